"""Hostile and clumsy input through the real bot: random text, commands with random arguments, deep-link payloads,
forged button data, poll votes and CSV files. Seeded and bounded (a few hundred inputs, well under 30 s): nothing
may raise an unhandled error or draw the apology, and the bot still answers /help afterwards."""

from __future__ import annotations

import os
import random
import string
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from lesson_bot.domain.callbacks import declared
from tests.support.bot import Harness, registered_branch
from tgsandbox.client import ControlApiError

SEED = int(os.environ.get("LESSON_BOT_FUZZ_SEED", "20261207"))  # another seed: a new run of the same mix
ROUNDS = 50
APOLOGIES = ("抱歉，我这边出了点问题", "Sorry, something went wrong on my side")
COMMANDS = ("/start", "/help", "/lang", "/join", "/roster", "/branches", "/addsecretary", "/removesecretary",
            "/me", "/progress", "/deliveries", "/makeups", "/schedule", "/plan", "/upcoming", "/meeting",
            "/meetings", "/record", "/attendance", "/cadence", "/signin", "/lessons", "/review", "/register")
NUMBERS = ("0", "1", "2", "-1", "9223372036854775807", "9223372036854775808", "99999999999999999999999", "²",
           "٣", "1e9", "0x10", "007")
ALPHABET = string.ascii_letters + string.digits + string.punctuation + " 党支部学习会议，。：“”\u200b\u202e\x00\t"


def _text(rng: random.Random, longest: int = 80) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, longest))).strip("\x00") or "x"


def _number(rng: random.Random) -> str:
    return rng.choice(NUMBERS) if rng.random() < 0.7 else str(rng.randint(0, 10**rng.randint(1, 25)))


def _payload(rng: random.Random) -> str:
    prefix = rng.choice(("mtl", "mti", "b", "", "mtl-", "x"))
    return (prefix + _number(rng))[:64] if rng.random() < 0.7 else _text(rng, 64).replace(" ", "_")


def _button_data(rng: random.Random) -> str:
    """A random string, or one shaped like a kind of the bot's buttons with random numbers and words."""
    if rng.random() < 0.3:
        data = _text(rng, 64)
    else:
        kind = rng.choice(declared())
        verb = rng.choice(kind.verbs)
        parts = [rng.choice((_number(rng), "20261231", "99991231", rng.choice(("", "x", "en", "zh-Hans"))))
                 for _ in range(rng.randint(0, 4))]
        data = ":".join([kind.prefix, verb, *parts])
    while len(data.encode()) > 64:
        data = data[:-1]
    return data or "x"


def _csv(rng: random.Random) -> bytes:
    rows = ["姓名,Telegram,角色,状态"]
    for _ in range(rng.randint(0, 6)):
        rows.append(",".join(rng.choice((_text(rng, 20), "@" + _text(rng, 10), _number(rng), "书记", "正式", ""))
                             .replace(",", "，") for _ in range(rng.randint(1, 6))))
    data = "\n".join(rows).encode(rng.choice(("utf-8", "gb18030", "utf-16")))
    return data if rng.random() < 0.8 else bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))


async def _round(h: Harness, rng: random.Random, group: int, people: list[int], buttons: Any, poll: Any) -> None:
    who = rng.choice(people)
    chat = rng.choice((group, who))
    match rng.randrange(6):
        case 0:
            await h.control.send(chat, who, _text(rng))
        case 1:
            args = " ".join(rng.choice((_number(rng), "@" + _text(rng, 12), _text(rng, 20)))
                            for _ in range(rng.randint(0, 3)))
            await h.control.send(chat, who, f"{rng.choice(COMMANDS)} {args}".strip())
        case 2:
            await h.control.start(who, _payload(rng))
        case 3:
            data = _button_data(rng)
            sent = await h.app.bot.send_message(chat, "buttons", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("?", callback_data=data)]]))
            await h.control.press(chat, sent.message_id, who, data=data)
        case 4:
            options = sorted(rng.sample(range(3), rng.randint(0, 2)))
            await h.control.vote(group, poll.message_id, who, options)
        case _:
            await h.control.send_document(who, who, rng.choice(("名册.csv", "roster.txt", "x")), _csv(rng),
                                          mime_type=rng.choice(("text/csv", "text/plain", None)))


async def test_random_input_raises_nothing_and_the_bot_still_answers(harness: Harness) -> None:
    """A seeded mix of random inputs from a secretary and two members, in the group and in private."""
    rng = random.Random(SEED)
    li, zhao, sun = await harness.user("Li"), await harness.user("Zhao"), await harness.user("Sun", language_code="en")
    group = await registered_branch(harness, li, zhao, sun)
    for person in (li, zhao, sun):
        await harness.start(person)
    poll = await harness.app.bot.send_poll(group, "测验？", ["甲", "乙", "丙"], type="quiz", correct_option_ids=[0],
                                           is_anonymous=False)
    refused = 0
    for _ in range(ROUNDS * 6):
        try:
            await _round(harness, rng, group, [li, zhao, sun], None, poll)
        except (ControlApiError, BadRequest):  # what Telegram itself would not let through never reaches the bot
            refused += 1
        if rng.random() < 0.1:
            await harness.barrier()
    await harness.barrier()
    assert harness.unhandled() == [], SEED
    print(f"fuzz seed {SEED}: {ROUNDS * 6 - refused} inputs reached the bot, {refused} refused by the sandbox")
    assert refused < ROUNDS * 3  # most inputs did reach the bot
    for chat in (group, li, zhao, sun):
        said = [m.get("text") or "" for m in (await harness.control.transcript(chat))["messages"]]
        assert not [text for text in said if any(apology in text for apology in APOLOGIES)], chat
    [help_text] = await harness.say(sun, sun, "/help")
    assert "/me" in help_text["text"]
