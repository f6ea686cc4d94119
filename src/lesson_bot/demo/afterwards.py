"""The demo's last words: the ids of the group and of the people it played, and control-API calls that act as
them afterwards (the bot, the engine and the sandbox keep running unless --once)."""

from __future__ import annotations

import json

from rich.markup import escape

from lesson_bot.demo.lesson import Branch
from lesson_bot.demo.scene import Scene


def _curl(url: str, body: dict[str, object]) -> str:
    return f"curl -s -X POST {url} -H 'content-type: application/json' -d '{json.dumps(body, ensure_ascii=False)}'"


def afterwards(scene: Scene, branch: Branch, admin: int, control_url: str) -> None:
    """Print the group's chat id, every person's user id, and examples of acting through the control API."""
    t = scene.t
    scene.step(t._("Ids for acting afterwards"))
    print_ = scene.console.print
    print_(t._("The group (the branch): chat id {chat}", chat=branch.chat), highlight=False, markup=False)
    for user, name in scene.names.items():
        role = (t._("secretary") if user == branch.secretary else t._("admin") if user == admin else
                t._("member"))
        print_(t._("  {name} ({role}): user id {id}; private chat id {id}", name=name, role=role, id=user),
               highlight=False, markup=False)
    zhang = branch.members.get("张伟", branch.secretary)
    print_(t._("Examples (the control API, see docs/sandbox.md):"), highlight=False, markup=False)
    examples = [
        (t._("张伟 asks for his record in private:"),
         _curl(f"{control_url}/messages", {"chat_id": zhang, "user_id": zhang, "text": "/me"})),
        (t._("the secretary asks for the roster in the group:"),
         _curl(f"{control_url}/messages", {"chat_id": branch.chat, "user_id": branch.secretary, "text": "/roster"})),
        (t._("a button under a message (its id from the transcript), tapped by its label:"),
         _curl(f"{control_url}/press", {"chat_id": branch.chat, "message_id": 1, "user_id": zhang, "text": "参加"})),
        (t._("everything said in the group:"), f"curl -s {control_url}/transcript/{branch.chat}"),
    ]
    for what, command in examples:
        print_(f"  {escape(what)}", highlight=False)
        print_(f"    {command}", highlight=False, markup=False, soft_wrap=True)
