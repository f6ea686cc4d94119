"""The lesson library: file format, checks, Markdown to Telegram HTML, and sync into the database.

parse_lesson (pure, text in) and load_library (files, media, cross-file rules) give LessonDoc objects or
Problems; renderer splits a body into Telegram messages; sync.sync_library stores versions by content hash.
"""
