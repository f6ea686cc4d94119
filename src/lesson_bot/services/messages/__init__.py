"""What the services say: the composers of outgoing messages (lessons, meetings, reviews) as typed values of
lesson_bot/domain/messages.py, and the recording of a sent lesson part."""
