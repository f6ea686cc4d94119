"""The word lists and thresholds of the editorial checks (content.review), kept together so a reviewer can read them."""

from __future__ import annotations

LEADERS = ("习近平", "毛泽东", "周恩来", "刘少奇", "朱德", "任弼时", "陈云", "邓小平", "江泽民", "胡锦涛", "李大钊")
"""Leaders whose name takes a title in party texts (习近平总书记, 毛泽东同志, 周恩来总理 ...).

The central leaders named in the party's resolutions and the founder 李大钊, whom party texts call 李大钊同志.
Not 陈独秀: he founded the party but was expelled in 1929, and party texts name him without a title.
Other names (张闻天同志, 王稼祥同志 ...) are left to the author.
"""

# Offices written before a name, as official texts do (国家主席习近平); 同志 and 先生 only follow a name.
TITLES_BEFORE = ("总书记", "主席", "副主席", "总理", "副总理", "委员长", "书记", "总司令")
TITLES = ("同志", "总书记", "主席", "副主席", "总理", "副总理", "委员长", "书记", "总司令", "先生", "老一辈")
"""Words that may follow a leader's name; also after 等 closing a list (毛泽东、周恩来等同志)."""

NAMED_AFTER = (
    "新时代中国特色社会主义思想",
    "强军思想",
    "法治思想",
    "外交思想",
    "经济思想",
    "生态文明思想",
    "文化思想",
    "思想",
    "理论",
)
"""A name inside the name of a theory needs no title: 习近平新时代中国特色社会主义思想, 毛泽东思想, 邓小平理论."""

LIST_SEPARATORS = ("、", "和", "与", "及")
"""Between names of one list (of 2-4 characters each): the title may come once, at its end."""

MOJIBAKE = ("锛", "銆", "鍏", "鐨", "鏄", "鍦", "鈥", "â€", "Ã", "Â", "ï¼", "ã€")
"""Traces of UTF-8 text read as GBK (锛 for ，, 銆 for 、 and 。, 鈥 for “ ”) or as Latin-1 (â€, Ã, ï¼ ...)."""

TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
"""Pinyin vowels with a tone mark: '經(jīng)' is a conversion artefact, not text for members."""

LONG_OPTION_RATIO = 1.6
LONG_OPTION_MARGIN = 3
"""The correct option is 'the only long one' when it is at least 1.6 times and at least 3 characters longer than
every wrong option: a member guesses it by its length. Tuned on the starter library: every question its review
called guessable (7 characters against 4, 8 against 4, 15 against 8, ...) is caught, while options of similar
length pass (15 against 11, 57 against 45), and so do short ones (3 against 2)."""

MIN_LEAK_LENGTH = 2
"""Correct options shorter than this (after removing punctuation and spaces) are not looked for in explanations."""

PLACEHOLDERS = ("【待填写】", "(to be written)")
"""Marks the importer (content.importer.shape) puts where a person must write: the draft's quiz. `content check`
reports every line that still holds one."""
