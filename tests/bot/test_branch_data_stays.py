"""An answer about a branch goes only to that branch's group or to the asker's private chat: B's secretary in A's
group, an admin's /branches there, or a forged picker button there never show B's data in A's group."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from tests.support.bot import ADMIN_ID, Harness, registered_branch


async def test_another_branchs_figures_never_reach_this_group(harness: Harness) -> None:
    """Wang (B's secretary, a member of A's group): /makeups there is refused and shows nothing of B; a forged
    mkl:show for B is answered as expired; the admin's /branches in A's group goes to the admin in private."""
    li, wang = await harness.user("Li"), await harness.user("Wang")
    admin = (await harness.control.create_user("Admin", username="adm", user_id=ADMIN_ID))["id"]
    await registered_branch(harness, wang)
    chat_a = await registered_branch(harness, li, wang, admin)
    branch_b = (await harness.services.branches.list_for(wang))[0].id
    [refused] = await harness.say(chat_a, wang, "/makeups")
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"
    data = f"mkl:show:0:{branch_b}"
    sent = await harness.app.bot.send_message(chat_a, "picker", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("B", callback_data=data)]]))
    answer = await harness.tap(chat_a, sent.message_id, wang, data)
    assert answer["text"] == "操作已过期，请重新开始。"
    await harness.start(admin)
    [told] = await harness.say(chat_a, admin, "/branches")
    assert told["text"] == "已私聊发给你。"
    private = (await harness.control.transcript(admin))["messages"][-1]["text"]
    assert "第一党支部" in private
    await harness.barrier()
    assert await harness.last_message_id(chat_a) == told["message_id"]
    assert harness.unhandled() == []
