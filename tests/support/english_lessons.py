"""The English series of the lesson-month scenario, written by the test so it does not hang on content/.

"Getting started" has two short lessons; the first has three quiz questions (the English test answers them).
"""

from __future__ import annotations

from pathlib import Path

HOW_LESSONS_WORK = """\
---
id: getting-started-how-lessons-work
title: How lessons work
series: Getting started
position: 1
language: en
minutes: 3
summary: How members check in and answer the quiz.
source: lesson_bot, "docs/writing-lessons.md", 2026
quiz:
  - question: How do you check in after reading a lesson?
    options:
      - Tap the Studied button under it
      - Reply to it with a thumbs-up
      - Send the bot a photo of it
    correct: 1
    explanation: The button records your check-in; reactions and photos are not counted.
  - question: Why are the quiz polls not anonymous?
    options:
      - So that copying is easier
      - So that answers are recorded
      - So that the poll closes sooner
    correct: 2
    explanation: The bot learns who answered only from a poll that is not anonymous.
  - question: Missed a lesson? What can you still do?
    options:
      - Nothing, it is gone
      - Study it later as a make-up
      - Ask for it by e-mail
    correct: 2
    explanation: A lesson missed on time can still be studied later (补学).
---
## What members do

1. Read the lesson when the bot posts it in the group.
2. Tap **Studied** to check in, then answer the quiz polls.
3. Send `/me` to the bot to see your own record.
"""

CALLING_119 = """\
---
id: getting-started-calling-119
title: Calling 119
series: Getting started
position: 2
language: en
minutes: 2
summary: What to say when you report a fire.
source: "Fire Protection Law of the People's Republic of China", 2021 revision, Article 44
quiz:
  - question: Which number reports a fire in mainland China?
    options:
      - "110"
      - "119"
      - "120"
    correct: 2
    explanation: 119 is the fire number; 110 is the police and 120 the ambulance.
---
## Call 119

Give the exact address, what is burning and whether anyone is trapped. Reporting a fire is free.
"""


def write_english_series(lessons: Path) -> None:
    """Write the two lessons of "Getting started" into a lessons folder."""
    for text in (HOW_LESSONS_WORK, CALLING_119):
        lesson_id = text.split("\n")[1].removeprefix("id: ")
        (lessons / f"{lesson_id}.md").write_text(text, encoding="utf-8")
