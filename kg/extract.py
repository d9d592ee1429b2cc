"""Draft claims from a new article: every figure of a Chinese or English text, found by rules.

:func:`extract` finds the figures of a text: amounts with their scale and currency (3万亿美元,
$109.1 billion, €50bn, £2 billion, 1万亿日元, HK$4.2 billion), percentages, tenths and ranges (75%,
近三成, 15%-25%, 15 to 25 percent, $2 billion to $4 billion, 200亿至250亿元), multiples and fractions
(12倍, 2至4倍, 翻了一番, 三分之一, twelve times, three-fold, double, a third), counts, capacities, energy,
rates and prices (33 个, 5.8 吉瓦, 300 MW, 120万千瓦, 945 TWh, 800 GWh, 25 basis points,
每百万代币0.14美元). Two amounts joined by "to" are one range only when they share a unit: "rose 78% to
$39.3 billion" and "from $18.4 billion to $35.6 billion" are two figures. Each :class:`Figure` has its
exact characters (Unicode code points, as :class:`kg.models.Span` counts them), decimal value and
unit, hedge and bounds, the period it most likely refers to (relative ones — 今年上半年, 前三季度, 去年,
the fourth quarter, in May, next year — resolved against the publication date), its sentence, the
actors of the dataset named there (the grammatical subject of the figure's clause first), the
attribution and a kind guess. Not figures: the digits of names (标普500, GPT-4o), groups' names
(七大科技巨头, 三大电信运营商), dates and times, durations, phone numbers, list numbering and bare years.

:func:`draft` turns figures into claims marked ``status: draft`` in the format of
``data/claims/*.yaml`` (``kg build`` refuses them until a person has reviewed them);
:func:`evaluate` scores figures against curated claims of the same text.

No model and no network: regular expressions, the actors' labels and aliases as a gazetteer
(the longest name wins), and cn2an for Chinese numerals.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Literal

import cn2an
import yaml

from kg.amounts import CURRENCIES, SCALES, UNITS
from kg.models import Actor, Claim, ClaimsFile, Dataset, Hedge, Kind, Period, Quantity, Span, Unit, parse_decimal

Lang = Literal["auto", "zh", "en"]

DEFAULT_ACTORS = Path(__file__).resolve().parent.parent / "data" / "actors.yaml"


class ExtractError(ValueError):
    """Bad input (a file that is missing or not UTF-8, a bad date, a claims file of another text)."""


@dataclass(frozen=True)
class Figure:
    """One figure of a text, with what its sentence says about it."""

    start: int  # the figure's own characters [start, end), hedge words excluded
    end: int
    text: str
    value: Decimal
    unit: Unit
    hedge: Hedge = "none"
    min: Decimal | None = None  # only for hedge "range"
    max: Decimal | None = None
    written: str = ""  # the value for a claims file: "1/12" for a fraction, else the decimal
    period: str | None = None  # a kg.models.Period label
    kind: Kind = "fact"
    sentence: str = ""
    sentence_start: int = 0
    quote: str = ""  # the clause around the figure: the claim's evidence
    quote_start: int = 0
    subjects: tuple[str, ...] = ()  # actor ids named in the sentence, best guess first
    new_actors: tuple[str, ...] = ()  # capitalised or quoted names the gazetteer does not know
    attribution: str | None = None  # 据…, …显示, according to …: whom the sentence cites
    attribution_actors: tuple[str, ...] = ()  # actor ids named in the attribution


# ---------------------------------------------------------------------------------------------
# The gazetteer: actors' labels and aliases


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: str
    weak: bool  # a sector, a group of people or a two-character alias (国家, AI): a subject of last resort


class Gazetteer:
    """The actors' labels and aliases, found in a text longest name first."""

    def __init__(self, actors: Iterable[Actor]):
        self.actors = {a.id: a for a in actors}
        self._names: dict[str, tuple[str, bool]] = {}
        for actor in self.actors.values():
            weak_type = actor.type in ("sector", "people")
            labels = [(name, True) for name in (actor.label.zh, actor.label.en) if name]
            named = [*labels, *((a, False) for a in actor.aliases)]
            for name, is_label in named:
                key = name.strip().casefold()
                if len(key) < 2 or key in self._names:
                    continue
                short_alias = not is_label and len(key) <= 2 and not key.isascii()
                self._names[key] = (actor.id, weak_type or short_alias or key in _GENERIC_NAMES)
        for name, actor_id in _DEMONYMS.items():  # Chinese AI groups, 我国: the country is named
            if actor_id in self.actors and name not in self._names:
                self._names[name] = (actor_id, False)
        self.pattern = re.compile(_trie_pattern(sorted(self._names)))

    def mentions(self, text: str) -> list[Mention]:
        found = []
        for match in self.pattern.finditer(text):
            actor, weak = self._names[match.group().casefold()]
            found.append(Mention(match.start(), match.end(), actor, weak))
        return found


#: Aliases so common in running text that they name a subject only when nothing else does.
_GENERIC_NAMES = {"ai", "vc", "pe", "global", "世界", "人工智能", "国家", "数据中心", "data centres"}
#: Adjectives of countries and regions (and 我国, "our country" in the Chinese press): names of their actor.
_DEMONYMS = {
    "chinese": "china", "我国": "china", "american": "united-states", "european": "europe",
    "british": "united-kingdom", "japanese": "japan", "canadian": "canada",
}  # fmt: skip


def _trie_pattern(names: Sequence[str]) -> str:
    """One regex for many names, as a trie (fast), longest first; Latin names match whole words, any case."""
    trie: dict[str, Any] = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    # Latin letters match in any case; a name that starts or ends with one must not touch another.
    # The first character is looked at first, as in _FIGURES.
    first = {c for name in names for c in (name[0], name[0].upper())}
    latin = "".join(sorted(re.escape(c) for c in first if c.isascii() and c.isalnum()))
    other = "".join(sorted(re.escape(c) for c in first if not (c.isascii() and c.isalnum())))
    return (
        f"(?=[{other}]|(?<![A-Za-z0-9])[{latin}])(?:"
        r"(?i:(?<![a-z0-9])(?=[a-z0-9])" + render(_ascii_only(trie, True)) + r"(?![a-z0-9]))"
        "|(?i:(?![a-z0-9])" + render(_ascii_only(trie, False)) + r"))"
    )


def _ascii_only(trie: dict[str, Any], latin_first: bool) -> dict[str, Any]:
    return {c: n for c, n in trie.items() if c and (c.isascii() and c.isalnum()) == latin_first}


@functools.lru_cache(maxsize=8)
def _gazetteer(actors: tuple[Actor, ...]) -> Gazetteer:
    return Gazetteer(actors)


@functools.lru_cache(maxsize=1)
def default_actors() -> tuple[Actor, ...]:
    """The actors of the project's own dataset (data/actors.yaml)."""
    data = yaml.safe_load(DEFAULT_ACTORS.read_text(encoding="utf-8"))
    return tuple(Actor.model_validate(a) for a in data["actors"])


# ---------------------------------------------------------------------------------------------
# Patterns of figures

_D = "[0-9０-９]"
_NUM = rf"(?:{_D}{{1,3}}(?:,{_D}{{3}})+|{_D}+)(?:\.{_D}+)?"
_ZH_DIGIT = "零〇一二两三四五六七八九十百千万亿"
_ZH_SCALE = "万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千(?![瓦克米])"
_EN_SCALE = r"(?:trillion|billion|million|thousand|trn|tn|bn|mn)(?![A-Za-z])"
_ZH_CURRENCY = "元人民币|人民币|美元|美金|欧元|英镑|日元|日圆|港元|港币|韩元|元"
_CLASSIFIER = "个(?!月|季度|小时|星期|工作日)|条|家|台|项|座|名|位(?!数)|款|次|篇|部|架|种|所|笔|颗|枚|辆|艘"
#: 成 is tenths of a whole (三成 = 30 %); not in 成本 (cost), 成立, 成功, 成交, 成员, 一成不变 ...
_TENTHS = "成(?![本立功交员长熟品果型绩年人不])"
_ZH_UNIT = (
    f"个百分点|百分点|个基点|基点|{_ZH_CURRENCY}|%|％|倍|吉瓦时|吉瓦|太瓦时|兆瓦时|兆瓦|千瓦时|千瓦|{_CLASSIFIER}"
    f"|人(?![工民])|{_TENTHS}"
)
_EN_UNIT = (
    r"(?:%|％|(?:percentage points?|percent|per cent|pct|pp|basis points?|bps|bp|times|-?fold"
    r"|GWh|MWh|[kK]Wh|TWh|GW|MW|[kK]W|(?:giga|mega|kilo|tera)watt[- ]hours?|(?:giga|mega|kilo)watts?|terawatt[- ]hours?"
    r"|dollars|USD|euros?|EUR|yuan|RMB|CNY|pounds|sterling|GBP|yen|JPY|HKD|KRW)(?![A-Za-z]))"
)
_CURRENCY_SIGN = r"US\$|HK\$|\$|€|£|¥|￥|₩|(?:USD|EUR|CNY|RMB|Rmb|GBP|JPY|HKD|KRW)\s?"
_EN_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight"
    r"|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|two|three|four"
    r"|five|six|seven|eight|nine)"
)

_SKIP = (
    rf"(?P<f_skip>{_D}{{4}}[-/.年]{_D}{{1,2}}[-/.月]{_D}{{1,2}}日?(?:\s{_D}{{1,2}}:{_D}{{2}}(?::{_D}{{2}})?)?"  # dates
    rf"|{_D}{{1,2}}/{_D}{{1,2}}/{_D}{{4}}"  # 11/19/2025
    rf"|{_D}{{1,2}}:{_D}{{2}}(?::{_D}{{2}})?"  # times of day
    rf"|\+{_D}{{1,4}}[\s-]?(?:{_D}{{2,4}}[\s-]){{1,3}}{_D}{{3,4}}|{_D}{{2,4}}-{_D}{{3,4}}-{_D}{{3,4}}"  # phone numbers
    # names with digits (GPT-4o, V3, FY2025, H1), not a currency code before its amount (Rmb50bn)
    rf"|(?<![A-Za-z0-9])(?!(?:Rmb|RMB|USD|EUR|GBP|JPY|HKD|KRW|CNY)\s?{_D})[A-Za-z][A-Za-z.]*[-‐]?{_D}[A-Za-z0-9.]*"
    rf"|{_D}+(?:st|nd|rd|th)(?![A-Za-z])|第[0-9{_ZH_DIGIT}]+)"  # ordinals
)
_PRICES = (
    rf"(?P<f_price_zh>每(?:百万|一百万|100万)个?(?:代币|词元|[Tt]okens?)\s?(?P<pz_num>{_NUM})\s?(?P<pz_cur>{_ZH_CURRENCY}))"
    rf"|(?P<f_per1000_zh>每千人(?:拥有|有|约)?\s?(?P<kz_num>{_NUM})\s?(?:台|个|部|名|人)?)"
    rf"|(?P<f_price_en>(?P<pe_cur>US\$|\$|€|¥|￥)\s?(?P<pe_num>{_NUM})\s?(?:per|/|a|for every)\s?"
    r"(?:1\s?M|1 million|one million|million|mn|M)\s(?:input |output )?tokens?(?![A-Za-z]))"
    rf"|(?P<f_per1000_en>(?P<ke_num>{_NUM})(?:\s[A-Za-z-]+){{0,2}}\s(?:per|for every)\s(?:1,000|1000|thousand"
    r"|one thousand)\s(?:people|inhabitants|residents|persons)(?![A-Za-z]))"
)
_FRACTION = rf"(?P<f_frac>(?<![0-9/])(?P<fr_n>{_D}{{1,3}})/(?P<fr_d>{_D}{{1,4}})(?![0-9/]))"
# One amount, or two joined by a dash, 至, to or between … and: each side may carry its own currency,
# scale and unit ($2 billion to $4 billion, 200亿至250亿元, 78% to $39.3 billion); _read_f_amount decides
# whether the two are one range or two figures.
_AMOUNT = (
    rf"(?P<f_amount>(?P<a_between>(?<![A-Za-z])between\s)?(?P<a_cur>{_CURRENCY_SIGN})?(?P<a_num>{_NUM})"
    rf"(?:(?>(?:\s?(?P<a_scale0>{_ZH_SCALE}|{_EN_SCALE})|(?P<a_scale01>[TBMKk])(?![A-Za-z]))?)"
    rf"(?>(?:\s?(?P<a_unit0>{_ZH_UNIT}|{_EN_UNIT}))?)"
    rf"\s?(?P<a_sep>-|–|—|~|～|至|到|to|(?(a_between)and|(?!)))\s?(?P<a_cur2>{_CURRENCY_SIGN})?(?P<a_num2>{_NUM}))?"
    rf"(?:\s?(?P<a_scale>{_ZH_SCALE}|{_EN_SCALE})|(?P<a_scale1>[TBMKk])(?![A-Za-z]))?"
    rf"(?:\s?(?P<a_unit>{_ZH_UNIT}|{_EN_UNIT})|(?P<a_x>[x×])(?![A-Za-z]))?)"
)
_CHINESE = (
    rf"(?P<z_pct>百分之(?P<zp_num>{_NUM}|[零〇一二两三四五六七八九十百点]+))"
    r"|(?P<z_frac>(?P<zf_d>[一二两三四五六七八九十百千]+)分之(?P<zf_n>[一二两三四五六七八九十]+))"
    r"|(?P<z_half>一半)"
    r"|(?P<z_fan>(?:(?<=翻)|(?<=翻了))(?P<zfan_n>[一两二三四])番|翻番)"
    r"|(?P<z_halfyear>(?<![上下前后])半年(?![度报]))"
    r"|(?P<z_some>[数几](?P<zs_scale>万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千|百|十)"
    rf"(?P<zs_unit>{_ZH_CURRENCY}|{_CLASSIFIER}|倍))"
    rf"|(?P<z_bare>(?<![0-9{_ZH_DIGIT}数几])(?P<zb_scale>万亿|千亿|亿)(?P<zb_cur>{_ZH_CURRENCY}))"
    rf"|(?P<z_num>(?P<zn_digits>[{_ZH_DIGIT}]+(?:点[零〇一二三四五六七八九]+)?)(?P<zn_more>多|余)?"
    rf"(?P<zn_unit>{_ZH_UNIT}|大(?=[\u4e00-\u9fff])))"
)
_ENGLISH = (
    r"(?P<e_frac>(?<![A-Za-z-])(?P<ef_n>[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our)[\s-]"
    r"(?P<ef_d>half|third|quarter|fourth|fifth|sixth|eighth|tenth)s?"
    r"(?![A-Za-z-])(?!\s+(?:party|parties|time|place|round|consecutive|largest|biggest|century|quarter)))"
    r"|(?P<e_half>(?<![A-Za-z-])[Hh]alf(?![A-Za-z-]))"
    rf"|(?P<e_mult>(?<![A-Za-z-])(?:(?P<em_word>{_EN_WORD})(?:-?fold|\s+times)|(?P<em_verb>twice|doubled?|tripled?"
    r"|quadrupled?|doubling|tripling))(?![A-Za-z-])(?!\s+(?:down|up|check|standard|whammy|counting|taxation|dip)\b))"
    rf"|(?P<e_amt>(?<![A-Za-z-])(?P<ea_word>{_EN_WORD}|one|an?)\s+(?P<ea_scale>hundred|thousand|million|billion"
    r"|trillion)(?:\s+(?P<ea_cur>dollars|euros|yuan))?(?![A-Za-z]))"
    rf"|(?P<e_count>(?<![A-Za-z-])(?P<ec_word>{_EN_WORD})(?=\s+[a-z]))"
)
# Each pattern looks at the first character first (a digit, a numeral, a word's first letter): re would
# otherwise try every alternative at every position, ten times slower.
_WORD_START = "(?<![A-Za-z])[A-Za-z]"
_FIGURES = {
    "zh": re.compile(
        f"(?=[0-9０-９$€¥￥£₩{_ZH_DIGIT}数几半每第翻]|{_WORD_START})"
        f"(?:{'|'.join((_SKIP, _PRICES, _FRACTION, _AMOUNT, _CHINESE))})"
    ),
    "en": re.compile(
        f"(?=[0-9０-９$€¥￥£₩]|{_WORD_START})(?:{'|'.join((_SKIP, _PRICES, _FRACTION, _AMOUNT, _ENGLISH))})"
    ),
}

_UNITS_AND_TEENS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                    "nineteen")  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_NUMBERS = {word: number for number, word in enumerate(_UNITS_AND_TEENS)}
_EN_NUMBERS.update({word: 10 * number for number, word in enumerate(_TENS, 2)})
_EN_NUMBERS.update({"a": 1, "an": 1, "half": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
                    "eighth": 8, "tenth": 10})  # fmt: skip
_EN_NUMBERS.update({"twice": 2, "double": 2, "doubled": 2, "doubling": 2, "triple": 3, "tripled": 3, "tripling": 3,
                    "quadruple": 4, "quadrupled": 4})  # fmt: skip

_HEDGE_WORDS: dict[str, Hedge] = {
    **dict.fromkeys(("约", "大约", "大概", "左右", "上下", "about", "around", "approximately", "roughly", "some",
                     "~", "or so"), "about"),
    **dict.fromkeys(("近", "将近", "接近", "近乎", "几乎", "nearly", "almost", "close to", "just under"), "nearly"),
    **dict.fromkeys(("超过", "逾", "超", "突破", "多于", "高于", "多", "余", "有余", "more than", "over", "above",
                     "in excess of", "upwards of", "just over", "+", "plus"), "more-than"),
    **dict.fromkeys(("至少", "不少于", "不低于", "以上", "at least", "no less than", "no fewer than", "or more",
                     "and above", "and up"), "at-least"),
    **dict.fromkeys(("高达", "多达", "最多", "最高", "不超过", "不到", "不足", "低于", "少于", "以下", "以内",
                     "up to", "as much as", "as many as", "as high as", "less than", "fewer than", "under", "below",
                     "at most", "or less"), "up-to"),
}  # fmt: skip
_HEDGE_BEFORE = re.compile(
    r"(?P<h>大约|大概|约|将近|接近|近乎|几乎|(?<!最)近|超过|逾|突破|高达|多达|最多|最高|至少|不少于|不低于|不超过|不到|不足"
    r"|低于|少于|多于|(?<![A-Za-z])(?i:about|around|approximately|roughly|some|almost|nearly|close to|just under"
    r"|just over|more than|over|above|in excess of|upwards of|at least|no less than|no fewer than|up to|as much as"
    r"|as many as|as high as|less than|fewer than|under|below|at most)|~)"
    r"(?:了|为|是|占|达到|达|有|在)?\s?$"
)
_HEDGE_AFTER = re.compile(
    r"(?P<h>以上|以下|以内|左右|上下|有余|多(?![边元样])|余|\+"
    r"|\s(?:or more|or so|or less|and above|and up|plus)(?![A-Za-z]))"
)
#: 几乎是中国93亿美元的12倍: the hedge of a comparison stands before its verb.
_HEDGE_OF_COMPARISON = re.compile(
    r"(?:(?P<h>几乎|将近|接近|(?<!最)近|大约|约)(?:是|为|相当于)|(?P<h2>几乎|将近|接近))[^,，。;；]{0,25}的\s?$"
)
_GROWTH = re.compile(r"(?:增加|增长|提高|扩大|翻)了?$")
_YUAN_NEAR = re.compile(r"China|Chinese|yuan|renminbi|RMB|Rmb|Beijing|Shanghai|Shenzhen")
_FROM_BEFORE = re.compile(r"(?:(?<![A-Za-z])[Ff]rom|从|由)\s?$")
#: 近三成, 约一成, 占一成: 一成 after a word that asks for a figure (not 统一成, 唯一成).
_TENTH_BEFORE = re.compile(r"(?:近|约|逾|超|到|足|仅|只|有|占|达|的|为|是|[，,、\s])$")
#: 三大电信运营商, 四大行, 五大会计师事务所: 大 before a kind of organisation makes a group's name.
_GROUP_NAME = re.compile(
    r"[\u4e00-\u9fff]{0,6}?(?:运营商|巨头|银行|行(?![业动为])|公司|集团|企业|车企|厂商|央企|航司|交易所|事务所)"
)
_TIME_WORDS = re.compile(r"\s?(?:世纪|年代|年|月|日|号|时|点(?!\d)|分(?!之)|秒|岁|周|天|小时|个月|指数)")
_EN_DURATION = re.compile(r"(?:\s+|-)(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)(?![A-Za-z])")
_EN_TIME_WORDS = re.compile(r"\s+(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|of|or|and|to)\b")
_LIST_NUMBER = re.compile(r"(?:^|\n)[ \t]*[(（]?$")
_CAPITALISED_WORD = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z&]*\s$")
_HALF_NOT_A_FIGURE = re.compile(r"(?:first|second|1st|2nd|latter|former|other|and\s+a|an?)\s+$", re.IGNORECASE)
_HALF_FOLLOWED = re.compile(r"\s+(?:of\s+(?:the\s+)?(?:year|fiscal|(?:19|20)\d\d)|year|time|an?\s)", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------
# Periods, sentences, attribution, kind

_Y = r"(?:19|20)\d{2}"
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_NAMES += "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
# A period with a year (2025年上半年, Q3 2025) or without one, resolved against the publication date
# (今年上半年, 前三季度, the fourth quarter, in May, 本月, last year, today). Digits and Chinese first, then
# English words, each branch entered by its first character (re tries every alternative at every start);
# a kind's English forms are named kind__en.
_PERIODS_ZH = (
    rf"(?P<fy>(?P<fy_y2>{_Y})\s?财年)"
    rf"|(?P<months>(?:(?P<mz_y>{_Y})\s?年|(?P<mz_rel>今年|去年|明年))?\s?前\s?"
    rf"(?:(?P<mz_n>\d{{1,2}}|[一二三四五六七八九十]+)\s?个月|(?P<mz_q>[一二三])\s?季度))"
    rf"|(?P<half>(?P<hz_y>{_Y})\s?年\s?(?P<hz_h>上|下)半年|(?P<hr_rel>今年|去年|明年)?(?P<hr_h>上|下)半年(?!度))"
    rf"|(?P<quarter>(?P<qz_y>{_Y})\s?年\s?第?(?P<qz_q>[一二三四1-4])季度|(?P<qr_rel>今年|去年|明年)?第?(?P<qr_q>[一二三四1-4])\s?季度)"
    rf"|(?P<span>(?:从|自)?\s?(?P<rz_a>{_Y})\s?年?\s?(?:至|到|-|–|—|~)\s?(?P<rz_b>{_Y})\s?年"
    rf"|(?<!\d)(?P<re_a2>{_Y})\s?[-–]\s?(?P<re_b2>{_Y})(?!\d))"
    rf"|(?P<mrange>(?:(?P<mr_y>{_Y})\s?年|(?P<mr_rel>今年|去年|明年))?(?<!\d)(?P<mr_a>1[0-2]|0?[1-9])\s?月?\s?[-—–~至到]\s?"
    rf"(?P<mr_b>1[0-2]|0?[1-9])\s?月份?)"
    rf"|(?P<month>(?P<mo_y>{_Y})\s?年\s?(?P<mo_m>1[0-2]|0?[1-9])\s?月"
    rf"|(?P<mo_rel>今年|去年|明年)?(?<!\d)(?P<mo_m3>1[0-2]|0?[1-9])\s?月份?(?!\d))"
    rf"|(?P<by>(?:到|截至|截止到?|至)\s?(?P<by_y>{_Y})\s?年(?:底|末)?)"
    rf"|(?P<since>自\s?(?P<si_y>{_Y})\s?年[^0-9,，。;；]{{0,20}}?以来|(?P<si_y2>{_Y})\s?年以来|(?P<si_rel>今年|去年)以来)"
    rf"|(?P<year>(?P<yz>{_Y})\s?年(?!代))"
    r"|(?P<relative>明年|今年|去年|前年|后年)"
    r"|(?P<rmonth>本月|上个?月|下个?月)"
    r"|(?P<now>目前|当前)"
    r"|(?P<then>当时|同年|当年)"
    r"|(?P<duration>(?:未来|过去|今后|近)\s?(?:\d+|[一二两三四五六七八九十]+)\s?(?:个)?(?:年|季度))"
)
_PERIODS_EN = (
    rf"(?P<fy__en>FY\s?'?(?P<fy_y>{_Y}|\d{{2}})(?!\d)|fiscal(?:\s+year)?\s+(?P<fy_y3>{_Y}))"
    rf"|(?P<months__en>first\s+(?P<me_n>\w+)\s+months"
    rf"(?:\s+of\s+(?:(?P<me_y>{_Y})|(?P<me_rel>this|last|next|the)\s+year))?)"
    rf"|(?P<half__en>(?P<he_h>first|second)\s+half\s+(?:of\s+)?(?P<he_y>{_Y})|H(?P<he_h2>[12])\s?(?P<he_y2>{_Y})"
    rf"|(?P<hr_h2>first|second)\s+half(?:\s+of\s+(?P<hr_rel2>this|last|next|the)\s+year)?(?![A-Za-z])"
    rf"|(?-i:H(?P<hr_h3>[12]))(?![0-9A-Za-z]))"
    rf"|(?P<quarter__en>Q(?P<qe_q>[1-4])\s?(?P<qe_y>{_Y})"
    rf"|(?P<qe_w>first|second|third|fourth)\s+quarter\s+(?:of\s+)?(?P<qe_y2>{_Y})"
    rf"|(?P<qr_w>first|second|third|fourth)[\s-]quarter(?:\s+of\s+(?P<qr_rel2>this|last|next|the)\s+year)?(?![A-Za-z])"
    rf"|(?-i:Q(?P<qr_q2>[1-4]))(?![0-9A-Za-z])|(?P<qr_this>this|last|next|the)\s+quarter(?![A-Za-z-]))"
    rf"|(?P<span__en>(?:from|between)\s+(?P<re_a>{_Y})\s+(?:to|and|through|until)\s+(?P<re_b>{_Y}))"
    rf"|(?P<mrange__en>(?-i:(?P<mre_a>{_MONTH_NAMES}))\.?\s?(?:-|–|to|through)\s?(?-i:(?P<mre_b>{_MONTH_NAMES}))\.?"
    rf"(?:\s+(?P<mre_y>{_Y}))?(?![A-Za-z]))"
    rf"|(?P<month__en>(?P<mo_name>{'|'.join(_MONTHS)})(?:\s+\d{{1,2}},)?\s+(?P<mo_y2>{_Y})"
    rf"|(?-i:(?P<mo_name3>{_MONTH_NAMES}))\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d))?(?![A-Za-z]))"
    rf"|(?P<by__en>(?:by|through|until)\s+(?:the\s+end\s+of\s+)?(?P<by_y2>{_Y}))"
    rf"|(?P<since__en>since\s+(?:(?P<si_y3>{_Y})|(?-i:(?P<si_mo>{_MONTH_NAMES}))(?:\s+(?P<si_moy>{_Y}))?(?![A-Za-z])))"
    rf"|(?P<year__en>(?:in|for|during|of|over)\s+(?P<ye>{_Y})(?![\d/-]))"
    r"|(?P<relative__en>(?:next|this|last) year(?![A-Za-z]))"
    r"|(?P<rmonth__en>(?:this|last|next) month(?![A-Za-z]))"
    r"|(?P<now__en>(?:today|currently)(?![A-Za-z]))"
    r"|(?P<then__en>at the time|that year|the same year)"
    r"|(?P<duration__en>(?:over|in|during|for)\s+(?:the\s+)?(?:next|past|last|coming|following)?\s*"
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|a few)\s+years(?![A-Za-z]))"
)
_PERIODS = re.compile(
    rf"(?=[0-9从自到截至明今去前后当同上下本第目一二三四未过近])(?:{_PERIODS_ZH})"
    rf"|(?<![A-Za-z])(?=[abcdfhijlmnoqstuABCDFHIJLMNOQSTU])(?:{_PERIODS_EN})",  # letters that start one
    re.IGNORECASE,
)
_RELATIVE_YEARS = {"明年": 1, "今年": 0, "去年": -1, "前年": -2, "后年": 2, "next year": 1, "this year": 0,
                   "last year": -1, "the year": 0, "next": 1, "this": 0, "last": -1, "the": 0}  # fmt: skip
_RELATIVE_MONTHS = {"本月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1, "this month": 0, "last month": -1,
                    "next month": 1}  # fmt: skip
#: A period a change is measured from (较去年, 比一季度, from December, than in 2024) is not the change's own.
_BASE_PERIOD = re.compile(
    r"(?:较|比|相比|相较于?|对比|(?<![A-Za-z])(?:compared\s+(?:with|to)|from|than|versus|vs\.?))\s?(?:the\s+|in\s+)?$",
    re.IGNORECASE,
)
#: 约为去年同期的两倍, 是2020年的3倍: the period of what a multiple compares with.
_COMPARED_BEFORE = re.compile(r"(?:是|为|相当于)\s?$")
_COMPARED_AFTER = re.compile(r"\s?(?:同期)?的")
_BASE_MARK = re.compile("较|比|from|than|vs|versus|compared", re.IGNORECASE)  # _BASE_PERIOD's words, quickly
_CHANGE_UNITS = frozenset(("percent", "percentage-point", "basis-point", "times", "fraction"))
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "上": 1, "下": 2, "一": 1, "二": 2, "三": 3, "四": 4}

_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?=[\s\"”’)]|$)")
_CLAUSE_END = re.compile(r"[,，;；:：。！？!?\n]|\.(?=[\s\"”’)]|$)")
_NAME_BEFORE = re.compile(r"(?<![A-Za-z])[A-Z][\w&.-]*$")
_NAME_LIST = re.compile(r",\s?(?:and\s)?[A-Z]")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Za-z]|Mr|Mrs|Ms|Dr|Prof|Inc|Corp|Co|Ltd|St|vs|etc|e\.g|i\.e|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept"
    r"|Oct|Nov|Dec|approx)$"
)

_ATTRIBUTION_ZH = re.compile(
    r"\s*(?:据|根据)\s?(?P<who>[^,，。;；:：]{2,40}?)(?:的)?(?:数据|报告|统计|报道|估计|测算|研究)?(?:显示|称|表示)?\s*$"
    r"|\s*(?P<who2>[^,，。;；:：]{2,40}?)(?:在[^,，。;；]{1,15}?)?(?:明确|公开|最近|近日)?"
    r"(?:预测|预计|显示|指出|表示|警告称|警告|声称|认为|估计|报告称|发现|称|说)\s*$"
)
_ATTRIBUTION_EN = re.compile(
    r"(?<![A-Za-z])[Aa]ccording to (?P<who>[^,.;:]{2,80})"
    r"|(?P<who2>(?:(?:[A-Z][\w&'.-]*|of|the|at|and|for)\s){0,6}[A-Z][\w&'.-]*"
    r"(?:\s(?:analysts|economists|strategists|researchers|officials|executives))?)\s(?:said|says|estimates?|estimated"
    r"|predicts?|predicted|forecasts?|projects|projected|reported|reports|noted|notes|found|finds|wrote|warned"
    r"|expects?|expected|calculated|calculates)(?![A-Za-z])"
)
_KIND_WORDS = re.compile(
    rf"(?=[预期有展计拟打承宣目力旨估测]|{_WORD_START})(?:"
    r"(?P<forecast>预测|预计|预期|期待|有望|展望|(?<![A-Za-z])(?i:forecast|predict|projected|projection|expect|outlook"
    r"|will(?![A-Za-z])))"
    r"|(?P<plan>计划|拟|打算|承诺|宣布|(?<![A-Za-z])(?i:plans?|planned|planning|intends?|pledged?|committed|announced|seeks?"
    r"|seeking)(?![A-Za-z]))"
    r"|(?P<target>目标|力争|旨在|(?<![A-Za-z])(?i:target|goal|aims?)(?![A-Za-z]))"
    r"|(?P<estimate>估计|估算|测算|(?<![A-Za-z])(?i:estimat)))"
)
_PIVOT = re.compile(r"占|是|为|达到|达")
_COMPARISON_BEFORE = re.compile(r"(?:是|为|相当于)[^,，。;；]*的\s?$")
_COMPARISON_AFTER = re.compile(
    r"\s+(?:the|its|their|that of|those of|of what|what|as (?:much|many|large|big|high)|more than|larger than"
    r"|bigger than|higher than)\b"
)
_NEW_NAME = re.compile(
    r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9&'-]*[A-Za-z0-9](?:\s(?:of\s|and\s|&\s)?[A-Z][A-Za-z0-9&'-]*[A-Za-z0-9])*"
    r"|[“「『\"](?P<quoted>[^”」』\"，,。;；]{2,16})[”」』\"]"
)
#: Capitalised words that start sentences rather than name anyone.
_NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "By", "For", "But", "And", "Or", "If", "As", "It", "Its", "This", "That",
    "These", "Those", "According", "However", "Meanwhile", "While", "When", "From", "With", "Since", "Over", "About",
    "More", "Nearly", "Almost", "Up", "We", "They", "He", "She", "I", "Our", "Their", "Some", "Most", "Many", "All",
    "Last", "Next", "First", "Second", "Third", "Total", "Between", "Both", "Each", "After", "Before", "During",
    "Despite",
}  # fmt: skip


def detect_lang(text: str) -> Literal["zh", "en"]:
    """zh when Chinese characters are a fair part of the text's letters."""
    sample = text[:20000]
    chinese = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in sample if c.isascii() and c.isalpha())
    return "zh" if chinese * 3 >= latin else "en"


def header_date(text: str) -> date | None:
    """The date a page header gives its article (发布时间: 2025-11-19), if any."""
    match = re.search(
        r"(?:发布时间|发布日期|发表时间|发表于|时间|日期|Published|Updated|Posted|Date)\s*[:：]?\s*"
        r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})",
        text[:600],
        re.IGNORECASE,
    )
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------------------------------------
# Extraction


@dataclass
class _Raw:
    """A figure as the patterns read it, before its sentence is consulted."""

    start: int
    end: int
    value: Decimal
    unit: Unit | None  # None: an amount with a scale but no currency, which the sentence supplies
    hedge: Hedge = "none"
    low: Decimal | None = None
    high: Decimal | None = None
    written: str = ""
    bare: bool = False  # a number with neither unit nor scale: a count, unless the context says otherwise
    number_start: int | None = None  # where the digits start, past a currency sign (US$ is no name)
    zh_numeral: bool = False
    vague: bool = False  # 万亿美元 with no number: about, unless the text hedges it otherwise


@dataclass(frozen=True)
class _Side:
    """One number of an amount: the value with its scale applied, and the unit its words give (or None)."""

    start: int
    end: int
    value: Decimal
    unit: Unit | None
    scale: str | None
    number_start: int

    @property
    def bare(self) -> bool:
        return self.unit is None and self.scale is None

    def lent(self, other: _Side) -> _Side:
        """This side with the scale and unit the other side has and this one leaves out ($2-4 billion)."""
        value, scale, unit = self.value, self.scale, self.unit
        if scale is None and other.scale and (unit is None or unit == other.unit or unit in CURRENCIES):
            value, scale = value * SCALES[other.scale.lower()], other.scale
        if unit is None:
            unit = other.unit
        return _Side(self.start, self.end, value, unit, scale, self.number_start)

    def raw(self) -> _Raw:
        unit = self.unit if self.unit or self.scale else "count"  # a scale alone: the sentence's currency, later
        return _Raw(self.start, self.end, self.value, unit, bare=self.bare, number_start=self.number_start)


def extract(
    text: str,
    *,
    lang: Lang = "auto",
    published: date | None = None,
    actors: Sequence[Actor] | None = None,
) -> list[Figure]:
    """Every figure of ``text``, in order; ``published`` resolves 明年 / next year (default: the header's date)."""
    if lang not in ("auto", "zh", "en"):
        raise ExtractError(f"language {lang!r} is not auto, zh or en")
    language = detect_lang(text) if lang == "auto" else lang
    gazetteer = _gazetteer(tuple(actors) if actors is not None else default_actors())
    return _Reader(text, language, published or header_date(text), gazetteer).figures()


class _Reader:
    """One text, with its sentences, clauses, names and periods indexed once."""

    def __init__(self, text: str, lang: Literal["zh", "en"], published: date | None, gazetteer: Gazetteer):
        self.text, self.lang, self.published, self.gazetteer = text, lang, published, gazetteer
        self.sentence_starts = [0, *self._boundaries(_SENTENCE_END)]
        self.clause_ends = self._boundaries(_CLAUSE_END, ends=True)
        self.mentions = gazetteer.mentions(text)
        self.mention_starts = [m.start for m in self.mentions]
        self.periods = list(self._periods())
        self.period_starts = [p[0] for p in self.periods]
        self.kind_words = [(m.end(), m.lastgroup) for m in _KIND_WORDS.finditer(text)]
        self.kind_word_ends = [end for end, _ in self.kind_words]
        self._attributions: dict[int, tuple[str, int, int] | None] = {}
        self._names: dict[int, tuple[str, ...]] = {}
        self._roles: dict[int, Literal["object", "whole", ""]] = {}
        self._sentences: dict[int, tuple[bool, list[Mention], set[int], set[int]]] = {}

    # -- the text's structure

    def _boundaries(self, pattern: re.Pattern[str], ends: bool = False) -> list[int]:
        """Offsets just past each sentence (or clause) end; a thousands comma or U.S. ends nothing."""
        found = []
        text = self.text
        for match in pattern.finditer(text):
            at = match.start()
            char = text[at]
            if char == "," and 0 < at < len(text) - 3 and text[at - 1].isdigit() and text[at + 1 : at + 4].isdigit():
                continue
            if char == "," and _NAME_LIST.match(text, at) and _NAME_BEFORE.search(text, max(0, at - 30), at):
                continue  # Microsoft, Meta and Alphabet: one clause
            if char == "." and _ABBREVIATION.search(text, max(0, at - 6), at):
                continue
            found.append(at if ends else at + 1)
        return found

    def sentence_of(self, position: int) -> tuple[int, int, int]:
        """Index, start and end of the sentence holding a position."""
        index = bisect.bisect_right(self.sentence_starts, position) - 1
        start = self.sentence_starts[index]
        end = self.sentence_starts[index + 1] if index + 1 < len(self.sentence_starts) else len(self.text)
        return index, start, end

    def clause_of(self, start: int, end: int) -> tuple[int, int]:
        """The clause around [start, end): between the separators before and after, spaces trimmed."""
        index = bisect.bisect_left(self.clause_ends, start)
        first = self.clause_ends[index - 1] + 1 if index > 0 else 0
        after = bisect.bisect_left(self.clause_ends, end)
        last = self.clause_ends[after] if after < len(self.clause_ends) else len(self.text)
        while first < start and self.text[first].isspace():
            first += 1
        while last > end and self.text[last - 1].isspace():
            last -= 1
        return first, last

    def _periods(self) -> Iterable[tuple[int, int, str | None, bool]]:
        """(start, end, label, base) of every period expression; label "then" for 当时, None if unresolved;
        base when a change is measured from it (较去年, from December)."""
        text = self.text
        for match in _PERIODS.finditer(text):
            at = match.start()
            before = text[max(0, at - 16) : at]
            base = (_BASE_MARK.search(before) is not None and _BASE_PERIOD.search(before) is not None) or bool(
                _COMPARED_BEFORE.search(before) and _COMPARED_AFTER.match(text, match.end())
            )
            yield at, match.end(), self._period_label(match), base

    def _year_of(self, month: int, relative: str | None = None) -> int | None:
        """The year of a part of a year written without one: that of 今年 / last year when written, else
        the last year whose ``month`` the publication date has reached. A quarter or a half passes its
        first month (the fourth quarter, read in February, is last year's; read in November, this
        year's); a run of months (前三季度, 1-7月) its last, as such figures are reported once over."""
        if self.published is None:
            return None
        if relative:
            return self.published.year + _RELATIVE_YEARS[" ".join(relative.lower().split())]
        return self.published.year if month <= self.published.month else self.published.year - 1

    def _period_label(self, match: re.Match[str]) -> str | None:
        kind = (match.lastgroup or "").partition("__")[0]
        g = match.group
        published = self.published
        year = published.year if published else None
        if kind == "fy":
            digits = g("fy_y") or g("fy_y2") or g("fy_y3")
            return f"FY{'20' + digits if len(digits) == 2 else digits}"
        if kind == "months":
            count = _small_number(g("mz_n") or g("me_n"))
            if g("mz_q"):
                count = 3 * (_small_number(g("mz_q")) or 0)
            if not count or count > 12:
                return None
            months_year = g("mz_y") or g("me_y") or self._year_of(count, g("mz_rel") or g("me_rel"))
            return f"{months_year}-01/{months_year}-{count:02d}" if months_year else None
        if kind == "half":
            if g("hz_y") or g("he_y") or g("he_y2"):
                half = _ORDINALS.get((g("hz_h") or g("he_h") or "").lower()) or int(g("he_h2"))
                return f"{g('hz_y') or g('he_y') or g('he_y2')}-H{half}"
            half = _ORDINALS.get((g("hr_h") or g("hr_h2") or "").lower()) or int(g("hr_h3"))
            half_year = self._year_of(6 * half - 5, g("hr_rel") or g("hr_rel2"))
            return f"{half_year}-H{half}" if half_year else None
        if kind == "quarter":
            if g("qz_y") or g("qe_y") or g("qe_y2"):
                quarter = g("qz_q") or g("qe_q") or g("qe_w")
                number = int(quarter) if quarter.isdigit() else _ORDINALS[quarter.lower()]
                return f"{g('qz_y') or g('qe_y') or g('qe_y2')}-Q{number}"
            if g("qr_this"):  # the quarter, last quarter: the last one completed; this / next quarter
                if published is None:
                    return None
                current = (published.month - 1) // 3
                step = {"this": 0, "next": 1}.get(g("qr_this").lower(), -1)
                year_of_quarter, index = divmod(published.year * 4 + current + step, 4)
                return f"{year_of_quarter}-Q{index + 1}"
            quarter = g("qr_q") or g("qr_w") or g("qr_q2")
            number = int(quarter) if quarter.isdigit() else _ORDINALS[quarter.lower()]
            quarter_year = self._year_of(3 * number - 2, g("qr_rel") or g("qr_rel2"))
            return f"{quarter_year}-Q{number}" if quarter_year else None
        if kind == "span":
            first, last = g("rz_a") or g("re_a") or g("re_a2"), g("rz_b") or g("re_b") or g("re_b2")
            return f"{first}/{last}" if first < last else None
        if kind == "mrange":
            if g("mre_a"):
                first_month, last_month = _month_number(g("mre_a")), _month_number(g("mre_b"))
            else:
                first_month, last_month = int(g("mr_a")), int(g("mr_b"))
            range_year = g("mr_y") or g("mre_y") or self._year_of(last_month, g("mr_rel"))
            if not range_year or first_month >= last_month:
                return None
            return _months_label(int(range_year), first_month, last_month)
        if kind == "month":
            if g("mo_m3") or g("mo_name3"):
                month = int(g("mo_m3")) if g("mo_m3") else _month_number(g("mo_name3"))
                month_year = self._year_of(month, g("mo_rel"))
                return f"{month_year}-{month:02d}" if month_year else None
            month = int(g("mo_m")) if g("mo_m") else _MONTHS.index(g("mo_name").lower()) + 1
            return f"{g('mo_y') or g('mo_y2')}-{month:02d}"
        if kind == "by":
            by = g("by_y") or g("by_y2")
            # 到2025年 in an article of 2025 is that year so far; 到2028年 is "by 2028".
            return by if year is not None and int(by) <= year and match.group().startswith("到") else f"../{by}"
        if kind == "since":
            if g("si_mo"):
                month = _month_number(g("si_mo"))
                since_year = g("si_moy") or self._year_of(month)
                return f"{since_year}-{month:02d}/.." if since_year else None
            if g("si_rel"):
                return f"{year + _RELATIVE_YEARS[g('si_rel')]}/.." if year is not None else None
            return f"{g('si_y') or g('si_y2') or g('si_y3')}/.."
        if kind == "year":
            return g("yz") or g("ye")
        if kind == "relative":
            return str(year + _RELATIVE_YEARS[match.group().lower()]) if year is not None else None
        if kind == "rmonth":
            if published is None:
                return None
            month_year, index = divmod(published.year * 12 + published.month - 1 + _RELATIVE_MONTHS[g().lower()], 12)
            return f"{month_year}-{index + 1:02d}"
        if kind == "now":
            return str(year) if year is not None else None
        if kind == "duration":
            return None  # over the next five years, 未来三年: a period of its own, not to be borrowed
        return "then"

    # -- figures

    def figures(self) -> list[Figure]:
        raws = [raw for match in _FIGURES[self.lang].finditer(self.text) for raw in self._read(match)]
        raws = [raw for raw in raws if self._is_figure(raw)]
        self._raw_starts = [r.start for r in raws]
        following = [r.start for r in raws[1:]] + [len(self.text)] if raws else []
        return [self._figure(raw, raws, next_start) for raw, next_start in zip(raws, following, strict=True)]

    def _read(self, match: re.Match[str]) -> list[_Raw]:
        family = match.lastgroup
        if family is None or family == "f_skip":
            return []
        reader = getattr(self, f"_read_{family}")
        start = match.end("a_between") if family == "f_amount" and match["a_between"] else match.start(family)
        raw: _Raw | list[_Raw] | None = reader(match, start, match.end(family))
        return [] if raw is None else raw if isinstance(raw, list) else [raw]

    def _read_f_price_zh(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        if UNITS[m["pz_cur"]] != "USD":
            return None
        return _Raw(start, end, _decimal(m["pz_num"]), "USD-per-million-tokens")

    def _read_f_price_en(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        if UNITS[m["pe_cur"].lower()] != "USD":
            return None
        return _Raw(start, end, _decimal(m["pe_num"]), "USD-per-million-tokens")

    def _read_f_per1000_zh(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        return _Raw(start, end, _decimal(m["kz_num"]), "per-thousand-people")

    def _read_f_per1000_en(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        return _Raw(start, end, _decimal(m["ke_num"]), "per-thousand-people")

    def _read_f_frac(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        numerator, denominator = int(_decimal(m["fr_n"])), int(_decimal(m["fr_d"]))
        if not 0 < numerator < denominator:
            return None
        return _fraction(start, end, numerator, denominator)

    def _read_f_amount(self, m: re.Match[str], start: int, end: int) -> _Raw | list[_Raw] | None:
        """One amount; or two joined by a dash, 至, to, between … and: one range when both have the same
        unit once each side lends the other what it leaves out ($2-4 billion, 15 to 25 percent,
        200亿至250亿元), else two figures (rose 78% to $39.3 billion; from $18.4 billion to $35.6 billion;
        cut 25 basis points to 4.25%)."""
        if not m["a_num2"]:
            side = self._side(m, start, end, "a_cur", "a_num", ("a_scale", "a_scale1"), ("a_unit", "a_x"))
            return side.raw() if side else None
        left_end = max(m.end(g) for g in ("a_num", "a_scale0", "a_scale01", "a_unit0") if m[g] is not None)
        left = self._side(m, start, left_end, "a_cur", "a_num", ("a_scale0", "a_scale01"), ("a_unit0",))
        right_start = m.start("a_cur2") if m["a_cur2"] else m.start("a_num2")
        right = self._side(m, right_start, end, "a_cur2", "a_num2", ("a_scale", "a_scale1"), ("a_unit", "a_x"))
        if left is None or right is None:
            return None
        if left.bare and right.bare:
            if m["a_sep"] == "to" or not left.value < right.value:
                return None  # "from 2 to 5", 2024-25: too loose to be a range of a figure
            return _Raw(start, end, (left.value + right.value) / 2, "count", "range", left.value, right.value,
                        bare=True, number_start=left.number_start)  # fmt: skip
        if right.bare:
            return [left.raw(), right.raw()]  # rose 12% to 2,500 stores
        lent_left, lent_right = left.lent(right), right.lent(left)
        if lent_left.unit != lent_right.unit:
            return [left.raw(), right.raw()]
        if lent_left.value < lent_right.value and not _FROM_BEFORE.search(self.text, max(0, start - 6), start):
            middle = (lent_left.value + lent_right.value) / 2
            raw = _Raw(start, end, middle, lent_left.unit, "range", lent_left.value, lent_right.value,
                       number_start=left.number_start)  # fmt: skip
            return raw if raw.unit is not None or lent_left.scale else dataclasses.replace(raw, unit="count")
        return [lent_left.raw(), lent_right.raw()]

    def _side(
        self,
        m: re.Match[str],
        start: int,
        end: int,
        cur: str,
        num: str,
        scales: tuple[str, str],
        units: tuple[str, ...],
    ) -> _Side | None:
        """One number of an amount with its own currency sign, scale and unit word."""
        word_scale, letter_scale = m[scales[0]], m[scales[1]]
        if letter_scale and not m[cur]:
            return None  # 7B, 5M without a currency: a model's or a product's name
        scale = word_scale or letter_scale
        value = _decimal(m[num]) * (SCALES[scale.lower()] if scale else 1)
        unit_word = " ".join((next((m[u] for u in units if m[u]), None) or "").lower().split())
        unit: Unit | None = None
        if unit_word.startswith("成"):
            value, unit = value * 10, "percent"  # 3成: three tenths
        elif unit_word:
            unit = UNITS.get(unit_word)  # type: ignore[assignment]
        if m[cur]:
            sign = m[cur].strip().lower()
            currency: Unit | None = UNITS.get(sign)  # type: ignore[assignment]
            if sign in "¥￥" and self.lang == "en":
                _, sentence_start, sentence_end = self.sentence_of(start)
                if not _YUAN_NEAR.search(self.text, sentence_start, sentence_end):
                    currency = "JPY"  # English writes the yuan as yuan or Rmb (or ¥ beside China), the yen as ¥
            if currency and (unit is None or unit in CURRENCIES):
                unit = currency
        return _Side(start, end, value, unit, scale, m.start(num))

    def _read_z_pct(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        number = m["zp_num"]
        value = _decimal(number) if number[0].isdigit() else _chinese_number(number)
        return _Raw(start, end, value, "percent", zh_numeral=True) if value is not None else None

    def _read_z_frac(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        denominator, numerator = _chinese_number(m["zf_d"]), _chinese_number(m["zf_n"])
        if denominator is None or numerator is None or not 0 < numerator < denominator:
            return None
        return _fraction(start, end, int(numerator), int(denominator))

    def _read_z_half(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        return _Raw(start, end, Decimal("0.5"), "fraction", written="0.5")

    def _read_z_halfyear(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        return _Raw(start, end, Decimal(6), "count")  # six months: a duration, counted in months

    def _read_z_some(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        # 数千亿 (several hundred billion) reads as 2 to 9 of the scale, valued at the midpoint.
        scale = Decimal({"十": 10, "百": 100}.get(m["zs_scale"]) or SCALES[m["zs_scale"]])
        unit = _unit_of(m["zs_unit"])
        low, high = 2 * scale, 9 * scale
        return _Raw(start, end, (low + high) / 2, unit, "range", low, high, zh_numeral=True)

    def _read_z_bare(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        value = Decimal(SCALES[m["zb_scale"]])
        return _Raw(start, end, value, _unit_of(m["zb_cur"]), zh_numeral=True, vague=True)

    def _read_z_fan(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        doublings = int(_chinese_number(m["zfan_n"]) or 0) if m["zfan_n"] else 1
        return _Raw(start, end, Decimal(2**doublings), "times", zh_numeral=True)  # 翻两番: doubled twice, 4 times

    def _read_z_num(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        value = _chinese_number(m["zn_digits"])
        if value is None:
            return None
        unit = _unit_of(m["zn_unit"])
        if m["zn_unit"] == "成":
            if value == 1 and start and not _TENTH_BEFORE.search(self.text, max(0, start - 2), start):
                return None  # 统一成, 之一成: 一 ends a word
            value, unit = value * 10, "percent"  # 近三成: nearly three tenths
        elif m["zn_unit"] == "大" and _GROUP_NAME.match(self.text, end):
            return None  # 三大电信运营商, 四大行: a group's name, like 七大科技巨头
        if unit == "times" and value == 1 and _GROWTH.search(self.text, max(0, start - 3), start):
            value = Decimal(2)  # 增加一倍: doubled, the end twice the start
        elif value == 1 and unit == "count":
            return None  # 一个, 一项: an article, not a count
        return _Raw(start, end, value, unit, "more-than" if m["zn_more"] else "none", zh_numeral=True)

    def _read_e_frac(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        return _fraction(start, end, _EN_NUMBERS[m["ef_n"].lower()], _EN_NUMBERS[m["ef_d"].lower()])

    def _read_e_half(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        if _HALF_NOT_A_FIGURE.search(self.text, max(0, start - 12), start) or _HALF_FOLLOWED.match(self.text, end):
            return None
        return _Raw(start, end, Decimal("0.5"), "fraction", written="0.5")

    def _read_e_mult(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        word = (m["em_word"] or m["em_verb"]).lower()
        return _Raw(start, end, Decimal(_english_number(word)), "times")

    def _read_e_amt(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        value = Decimal(_english_number(m["ea_word"].lower()) * SCALES.get(m["ea_scale"].lower(), 100))
        unit: Unit | None = _unit_of(m["ea_cur"]) if m["ea_cur"] else None
        return _Raw(start, end, value, unit)

    def _read_e_count(self, m: re.Match[str], start: int, end: int) -> _Raw | None:
        if _EN_TIME_WORDS.match(self.text, end):
            return None
        return _Raw(start, end, Decimal(_english_number(m["ec_word"].lower())), "count")

    # -- what is not a figure

    def _is_figure(self, raw: _Raw) -> bool:
        text, start, end = self.text, raw.start, raw.end
        if self._overlaps_name(raw.number_start or start, end) or self._inside_period(start, end):
            return False
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before.isascii() and before.isalpha() and (text[start] == "$" or text[start] not in "€¥￥£₩"):
            return False  # V3, GPT4; C$2 billion, A$5 billion: dollars we have no unit for
        if before in "-‐" and start > 1 and text[start - 2].isascii() and text[start - 2].isalnum():
            return False  # GPT-4, COVID-19
        if after.isascii() and after.isalpha() and raw.unit in ("count", None) and not raw.zh_numeral:
            return False  # 4o, 1990s
        if not raw.bare:
            return True
        if raw.value == raw.value.to_integral_value() and 1800 <= raw.value <= 2100 and "," not in text[start:end]:
            return False  # a bare year
        if _TIME_WORDS.match(text, end):
            return False  # 20世纪, 10个月, 11月, 标普500指数
        if _LIST_NUMBER.search(text, max(0, start - 8), start) and re.match(r"[.、)）]", after or "x"):
            return False  # 1. 2. (3): list numbering
        if before in "(（" and after in ")）":
            return False
        if self.lang == "en":
            if _EN_DURATION.match(text, end):
                return False  # 10 years
            word = _CAPITALISED_WORD.search(text, max(0, start - 20), start)
            if word and word.group().strip() not in _NOT_NAMES:
                return False  # Llama 3, Figure 2, S&P 500
        return True

    def _overlaps_name(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.mention_starts, end)
        return any(m.start < end and start < m.end for m in self.mentions[max(0, index - 3) : index])

    def _inside_period(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.period_starts, start) - 1
        return index >= 0 and self.periods[index][0] <= start and end <= self.periods[index][1]

    # -- a figure in its sentence

    def _figure(self, raw: _Raw, raws: list[_Raw], next_start: int) -> Figure:
        text = self.text
        sentence_index, sentence_start, sentence_end = self.sentence_of(raw.start)
        clause = quote_start, quote_end = self.clause_of(raw.start, raw.end)
        # The claim's figure is the first occurrence of its text in the quote (build.py reads it so).
        figure_text = text[raw.start : raw.end]
        earlier = text.rfind(figure_text, quote_start, raw.start + len(figure_text) - 1)
        if earlier != -1 and earlier < raw.start:
            quote_start = earlier + len(figure_text)
            while quote_start < raw.start and not text[quote_start].isalnum():
                quote_start += 1
        unit = raw.unit or self._currency_nearby(raw, raws, sentence_start, sentence_end)
        hedge = raw.hedge if raw.hedge != "none" else self._hedge(raw, unit, quote_start)
        if hedge == "none" and raw.vague:
            hedge = "about"
        period = self._period(raw, unit, sentence_start, clause)
        attribution = self._attribution(sentence_index, sentence_start, sentence_end)
        sentence = text[sentence_start:sentence_end]
        value = raw.value
        return Figure(
            start=raw.start,
            end=raw.end,
            text=figure_text,
            value=value,
            unit=unit,
            hedge=hedge,
            min=raw.low if hedge == "range" else None,
            max=raw.high if hedge == "range" else None,
            written=raw.written or _plain(value),
            period=period,
            kind=self._past_is_fact(
                self._kind(raw, unit, (sentence_start, sentence_end), quote_start, min(quote_end, next_start)), period
            ),
            sentence=sentence.strip(),
            sentence_start=sentence_start + len(sentence) - len(sentence.lstrip()),
            quote=text[quote_start:quote_end],
            quote_start=quote_start,
            subjects=self._subjects(raw, (sentence_start, sentence_end), clause, attribution),
            new_actors=self._new_names(sentence_index, sentence_start, sentence_end),
            attribution=attribution[0] if attribution else None,
            attribution_actors=tuple(dict.fromkeys(m.actor for m in self._mentions_in(attribution[1], attribution[2])))
            if attribution
            else (),
        )

    def _currency_nearby(self, raw: _Raw, raws: list[_Raw], start: int, end: int) -> Unit:
        """1.5万亿 after 3万亿美元: the currency of the nearest amount in the sentence that names one."""
        first, last = bisect.bisect_left(self._raw_starts, start), bisect.bisect_left(self._raw_starts, end)
        money = [r for r in raws[first:last] if r.unit in CURRENCIES]
        if not money:
            return "count"
        nearest = min(money, key=lambda r: (abs(r.start - raw.start), r.start > raw.start))
        return nearest.unit or "count"

    def _hedge(self, raw: _Raw, unit: Unit, quote_start: int) -> Hedge:
        text = self.text
        window_start = max(quote_start, raw.start - 24)
        before = _HEDGE_BEFORE.search(text, window_start, raw.start)
        if before:
            return _HEDGE_WORDS[before["h"].lower()]
        after = _HEDGE_AFTER.match(text, raw.end)
        if after:
            return _HEDGE_WORDS[after["h"].strip().lower()]
        if unit in ("times", "fraction"):
            comparison = _HEDGE_OF_COMPARISON.search(text, max(quote_start, raw.start - 40), raw.start)
            if comparison:
                return _HEDGE_WORDS[comparison["h"] or comparison["h2"]]
        return "none"

    def _period(self, raw: _Raw, unit: Unit, sentence_start: int, clause: tuple[int, int]) -> str | None:
        """The period a figure refers to: in Chinese the nearest before it in its clause, else the first
        after it in its clause, else the nearest before it in its sentence; in English the first after
        it in its clause comes first ($109.1 billion in 2024). A change (a percentage, a multiple) skips
        the period it is measured from (较去年同期提高8个百分点, up 8 points from December)."""
        text, position = self.text, raw.start
        change = unit in _CHANGE_UNITS

        def own(period: tuple[int, int, str | None, bool]) -> bool:
            # 较去年的475亿元 / 比去年的15%: the base period's own figure stands right after it
            right_before = period[1] <= position and re.fullmatch(r"\s?的?\s?", text[period[1] : position])
            return not (change and period[3] and not right_before)

        index = bisect.bisect_right(self.period_starts, position) - 1
        before = None
        while index >= 0 and self.periods[index][0] >= sentence_start:
            if own(self.periods[index]):
                before = self.periods[index]
                break
            index -= 1
        after = None
        for following in range(bisect.bisect_right(self.period_starts, position), len(self.periods)):
            candidate = self.periods[following]
            if candidate[0] >= clause[1]:
                break
            if own(candidate):
                after = candidate
                break
        if self.lang == "en":
            chosen = after or before
        else:
            chosen = before if before and before[0] >= clause[0] else after or before
        label = chosen[2] if chosen else None
        if label == "then":
            # 当时 / at the time: the last period of an earlier sentence
            first = bisect.bisect_left(self.period_starts, sentence_start)
            earlier = [p[2] for p in self.periods[max(0, first - 20) : first] if p[2] != "then"]
            label = earlier[-1] if earlier else None
        return label

    def _past_is_fact(self, kind: Kind, period: str | None) -> Kind:
        """A forecast, plan or target for a period over by the publication date is what happened."""
        if kind not in ("forecast", "plan", "target") or self.published is None or period is None:
            return kind
        end = _period_end(period)
        return "fact" if end is not None and end < self.published else kind

    def _kind(self, raw: _Raw, unit: Unit, sentence: tuple[int, int], quote_start: int, until: int) -> Kind:
        """是…的12倍 is a comparison; else the nearest 预测 / plans / 目标 / estimate before the figure in
        its sentence (or just after it, short of the next figure); else a multiple that is not a growth
        compares two things; else a fact."""
        text = self.text
        sentence_start, sentence_end = sentence
        if unit in ("times", "fraction") and (
            _COMPARISON_BEFORE.search(text, quote_start, raw.start) or _COMPARISON_AFTER.match(text, raw.end)
        ):
            return "comparison"
        index = bisect.bisect_right(self.kind_word_ends, raw.start) - 1
        if index >= 0 and self.kind_words[index][0] > sentence_start:
            return self.kind_words[index][1]  # type: ignore[return-value]
        after = _KIND_WORDS.search(text, raw.end, min(until, raw.end + 16))
        if after:
            return after.lastgroup  # type: ignore[return-value]
        if unit == "times" and not _GROWTH_WORDS.search(text, sentence_start, sentence_end):
            return "comparison"
        return "fact"

    def _mentions_in(self, start: int, end: int) -> list[Mention]:
        first = bisect.bisect_left(self.mention_starts, start)
        last = bisect.bisect_left(self.mention_starts, end)
        return [m for m in self.mentions[first:last] if m.end <= end]

    def _subjects(
        self, raw: _Raw, sentence: tuple[int, int], clause: tuple[int, int], attribution: tuple[str, int, int] | None
    ) -> tuple[str, ...]:
        """Actor ids of the sentence, best guess first: the grammatical subject of the figure's clause.

        First the clause's names before its verb (占, 是, 为), then the nearest before the figure, leaving
        out objects and modifiers (向OpenAI, into OpenAI, 较美国国债, 日本 of 日本软银集团) and the wholes a
        share is of (占全球…的, share of European capacity); else, when the clause says its, their or
        该公司, the name that stands for. Then the clause's names after the figure; the clause's weak
        names (数据中心, AI), after the whole of a share when there is one; the sentence's other names
        before the figure in order, then after it; wholes; the sentence's weak names; objects; the last
        name of an earlier sentence; the rest. Names inside the attribution are its source, not its
        subject, unless an organisation speaks for itself (Amazon said it would spend, 软银集团表示).
        """
        text = self.text
        sentence_start, sentence_end = sentence
        speaker, named, side, wholes = self._sentence_names(sentence_start, sentence_end, attribution)
        clause_start, clause_end = clause
        pivots = list(_PIVOT.finditer(text, clause_start, raw.start))
        pivot = pivots[-1] if pivots else None
        if pivot and pivot.group() == "占":
            wholes = wholes | {id(m) for m in named if pivot.start() <= m.start < raw.start}
            side = side | wholes
        in_clause = [m for m in named if clause_start <= m.start and m.end <= clause_end]
        main = [m for m in in_clause if id(m) not in side]
        before_pivot = sorted((m for m in main if pivot and m.end <= pivot.start()), key=lambda m: -m.start)
        nearest = sorted((m for m in main if m.end <= raw.start), key=lambda m: -m.start)
        first: list[str] = [m.actor for m in before_pivot + nearest if not m.weak]
        if not first:
            pronoun = _PRONOUN.search(text, clause_start, clause_end)
            if pronoun:
                source = None if speaker or attribution is None else attribution[1:]
                first = self._antecedent(pronoun.start(), source)
        weak_in_clause = [m.actor for m in nearest + in_clause if m.weak and id(m) not in side]
        in_sentence = [m for m in named if not clause_start <= m.start < clause_end]
        clause_wholes = [m.actor for m in in_clause if id(m) in wholes and not m.weak]
        index = bisect.bisect_left(self.mention_starts, sentence_start)
        earlier = [m.actor for m in reversed(self.mentions[max(0, index - 20) : index]) if not m.weak][:1]
        ranked = [
            *first,
            *(m.actor for m in in_clause if m.start >= raw.end and id(m) not in side and not m.weak),
            *(clause_wholes if weak_in_clause else ()),  # 人工智能相关资本支出将占美国GDP增长的1.1%
            *weak_in_clause,
            *(m.actor for m in in_sentence if m.end <= raw.start and id(m) not in side and not m.weak),
            *(m.actor for m in in_sentence if m.start >= raw.end and id(m) not in side and not m.weak),
            *(m.actor for m in named if id(m) in wholes and not m.weak),
            *(m.actor for m in in_sentence if m.weak and id(m) not in side),
            *(m.actor for m in named if id(m) in side and not m.weak),
            *earlier,
            *(m.actor for m in named if m.weak),
        ]
        return tuple(dict.fromkeys(ranked))

    def _sentence_names(
        self, start: int, end: int, attribution: tuple[str, int, int] | None
    ) -> tuple[bool, list[Mention], set[int], set[int]]:
        """The names of a sentence (not those of whom it cites, unless it speaks for itself), those that
        are objects or the whole of a share (their ids, wholes counted as objects too), once a sentence."""
        if start in self._sentences:
            return self._sentences[start]
        speaker = attribution is not None and self._speaks_for_itself(attribution)
        named = [
            m
            for m in self._mentions_in(start, end)
            if speaker or not (attribution and attribution[1] <= m.start < attribution[2])
        ]
        roles = [self._role(m) for m in named]
        wholes = {id(m) for m, role in zip(named, roles, strict=True) if role == "whole"}
        side = {id(m) for m, role in zip(named, roles, strict=True) if role == "object"} | wholes
        self._sentences[start] = speaker, named, side, wholes
        return self._sentences[start]

    def _role(self, mention: Mention) -> Literal["object", "whole", ""]:
        """What a name is in its sentence: "object" after a preposition (向OpenAI, into OpenAI, 较美国国债,
        than China), for 日本 in 日本软银集团 (it names the next name's country) and for 日本方面 (a topic);
        "whole" for the whole a share is of (share of European capacity); else ""."""
        if mention.start in self._roles:
            return self._roles[mention.start]
        text, start = self.text, mention.start
        role: Literal["object", "whole", ""] = ""
        before = text[max(0, start - 6) : start]
        if "of" in before and _WHOLE_BEFORE.search(text, max(0, start - 24), start):
            role = "whole"
        elif (
            (before.rstrip()[-1:] in _OBJECT_LAST or before.rstrip()[-3:] in ("the", "The"))
            and _OBJECT_BEFORE.search(text, max(0, start - 14), start)
        ) or text.startswith("方面", mention.end):
            role = "object"
        else:
            # 日本软银集团, US tech giants: a country right before a company's name (not 全球数据中心)
            following = mention.end + 1 if text[mention.end : mention.end + 1] == " " else mention.end
            index = bisect.bisect_left(self.mention_starts, following)
            if index < len(self.mentions) and self.mentions[index].start == following and not self.mentions[index].weak:
                role = "object"
        self._roles[mention.start] = role
        return role

    def _antecedent(self, position: int, source: tuple[int, int] | None) -> list[str]:
        """Whom its, their, the company, 该公司 at ``position`` stands for: the last strong name before it,
        not one in the ``source`` the sentence cites (Jensen Huang said 50 states have their own rules)."""
        index = bisect.bisect_left(self.mention_starts, position)
        for mention in reversed(self.mentions[max(0, index - 20) : index]):
            if mention.weak or mention.end > position or (source and source[0] <= mention.start < source[1]):
                continue
            return [mention.actor]
        return []

    def _speaks_for_itself(self, attribution: tuple[str, int, int]) -> bool:
        """Amazon said it would spend, 软银集团表示: an organisation stating its own figures is their subject
        (an analyst, a researcher, a person or an agency that estimates or reports is a source)."""
        _, start, end = attribution
        speakers = self._mentions_in(start, end)
        if not speakers or not _STATEMENT_AFTER.match(self.text, end):
            return False
        return self.gazetteer.actors[speakers[-1].actor].type in _SELF_REPORTING

    def _attribution(self, index: int, start: int, end: int) -> tuple[str, int, int] | None:
        """Whom the sentence cites, and where: 据…, …显示, …预测, according to …, … said."""
        if index in self._attributions:
            return self._attributions[index]
        found = None
        if self.lang == "zh":
            clause_start, index = start, bisect.bisect_left(self.clause_ends, start)
            while index < len(self.clause_ends) and (clause_end := self.clause_ends[index]) < end:
                index += 1
                match = _ATTRIBUTION_ZH.match(self.text, clause_start, clause_end)
                if match:
                    group = "who" if match["who"] else "who2"
                    found = (match[group].strip(), match.start(group), match.end(group))
                    break
                clause_start = clause_end + 1
        else:
            match = _ATTRIBUTION_EN.search(self.text, start, end)
            if match:
                group = "who" if match["who"] else "who2"
                found = (match[group].strip(), match.start(group), match.end(group))
        self._attributions[index] = found
        return found

    def _new_names(self, index: int, start: int, end: int) -> tuple[str, ...]:
        """Capitalised or quoted names in the sentence that the gazetteer does not know."""
        if index in self._names:
            return self._names[index]
        names = []
        sentence = self.text[start:end]
        first_word = len(sentence) - len(sentence.lstrip())
        for match in _NEW_NAME.finditer(self.text, start, end):
            name = match["quoted"] or match.group()
            at = match.start("quoted") if match["quoted"] else match.start()
            if self._overlaps_name(at, at + len(name)) or name in _NOT_NAMES or name.lower() in UNITS:
                continue
            if at - start == first_word and " " not in name and not match["quoted"]:
                continue  # a sentence's first word is capitalised anyway
            names.append(name)
        self._names[index] = tuple(dict.fromkeys(names))
        return self._names[index]


_GROWTH_WORDS = re.compile(r"增加|增长|提高|扩大|翻|grow|grew|rose|rise|increase", re.IGNORECASE)
#: A name after these is an object or a comparison, not the subject: into OpenAI, 向OpenAI, 较美国国债.
_OBJECT_LAST = frozenset("向对给从较比在于oOnNhHtTsSrRdD.")  # the last letter of a word of _OBJECT_BEFORE
_OBJECT_BEFORE = re.compile(
    r"(?:(?<![A-Za-z])(?:into|than|over|with|against|versus|vs\.?|toward|towards)\s+(?:the\s+)?"
    r"|(?:向|对|给|从|较|比|在|于|对于|相比|相较于?)\s?)$",
    re.IGNORECASE,
)
#: share of European capacity, 占全球的: the whole a share is of.
_WHOLE_BEFORE = re.compile(r"(?<![A-Za-z])(?:share|proportion|portion|part|percent|%)\s+of\s+(?:the\s+)?$", re.I)
_PRONOUN = re.compile(
    r"(?<![A-Za-z])(?:[Ii]ts|[Tt]heir|[Tt]he (?:company|firm|group|start-up|startup|chipmaker|lab|bank))(?![A-Za-z])"
    r"|该公司|该集团|(?<![尤极与])其(?![中他余实次])"
)
#: The verb after whom a sentence cites that makes it a statement of its own: said, 表示, 宣布.
_STATEMENT_AFTER = re.compile(
    r"\s?(?:on\s+\w+\s+)?(?:said|says|announced|announces|reported|reports|told|表示|称|宣布|透露|披露|公告)"
)
#: Actors that state their own figures (a company's capex, a government's pledge).
_SELF_REPORTING = frozenset(("company", "government", "investor", "fund", "insurer", "group", "country", "region"))


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def _plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 3000000000000, 0.5, 4.8."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fraction(start: int, end: int, numerator: int, denominator: int) -> _Raw:
    written = f"{numerator}/{denominator}"
    return _Raw(start, end, parse_decimal(written), "fraction", written=written)


def _unit_of(word: str) -> Unit:
    if word == "大":
        return "count"
    return UNITS.get(word.lower().strip(), "count")  # type: ignore[return-value]


def _chinese_number(numeral: str) -> Decimal | None:
    """五 → 5, 三千二百 → 3200, 二十三点五 → 23.5 (cn2an); None if it is not a number."""
    if numeral[0] in "十百千万亿" and numeral[0] != "十":
        numeral = "一" + numeral
    try:
        number = cn2an.cn2an(numeral, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        return Decimal(str(number))
    except InvalidOperation:
        return None


def _months_label(year: int, first: int, last: int) -> str:
    """Months of one year as a period label: a quarter or a half when they are one (October-December)."""
    if (last - first, first % 3) == (2, 1):
        return f"{year}-Q{(first + 2) // 3}"
    if (last - first, first % 6) == (5, 1):
        return f"{year}-H{(first + 5) // 6}"
    return f"{year}-{first:02d}/{year}-{last:02d}"


@functools.lru_cache(maxsize=256)
def _period_end(label: str) -> date | None:
    """The last day of a period label (None if open-ended or not a period)."""
    try:
        return Period(label=label).start_end()[1]
    except ValueError:
        return None


def _month_number(name: str) -> int:
    """January, Jan, Sept → 1, 1, 9."""
    return next(i for i, month in enumerate(_MONTHS, 1) if month.startswith(name.lower()[:3]))


def _english_number(word: str) -> int:
    if "-" in word:
        tens, units = word.split("-", 1)
        return _EN_NUMBERS[tens] + _EN_NUMBERS[units]
    return _EN_NUMBERS[word]


def _small_number(word: str | None) -> int | None:
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if word.lower() in _EN_NUMBERS:
        return _EN_NUMBERS[word.lower()]
    value = _chinese_number(word)
    return int(value) if value is not None else None


# ---------------------------------------------------------------------------------------------
# Reading an article


@dataclass(frozen=True)
class Article:
    """A text as read from a file, with the sha256 of its bytes (what sources.yaml records)."""

    text: str
    sha256: str
    name: str  # the file's path, or "-" for standard input


def read_article(path: str | Path, stdin: BinaryIO | None = None) -> Article:
    """The UTF-8 text of a file, or of standard input for ``-``; ExtractError if missing or not UTF-8."""
    name = str(path)
    if name == "-":
        raw = (stdin or sys.stdin.buffer).read()
    else:
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise ExtractError(f"{name}: file not found") from None
        except IsADirectoryError:
            raise ExtractError(f"{name}: is a folder, not a text file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ExtractError(f"{name}: not UTF-8 ({err.reason} at byte {err.start})") from None
    return Article(text, hashlib.sha256(raw).hexdigest(), name)


def parse_date(text: str) -> date:
    """A publication date written YYYY-MM-DD; ExtractError otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ExtractError(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-11-19") from None


def source_id_for(name: str) -> str:
    """A source id from a file name: ``My Article.txt`` → ``my-article``."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")[:80].strip("-")
    return slug if slug and name != "-" else "new-article"


# ---------------------------------------------------------------------------------------------
# Draft claims


@dataclass(frozen=True)
class Draft:
    """The draft claims of one text, each beside the figure it was made from."""

    source: str
    entry: str  # the data/sources.yaml entry the text needs, sha256 included ("" if it has one)
    claims: tuple[tuple[Claim, Figure], ...]

    def claims_file(self) -> ClaimsFile:
        return ClaimsFile(source=self.source, claims=tuple(claim for claim, _ in self.claims))


def draft(
    figures: Sequence[Figure],
    article: Article,
    dataset: Dataset,
    *,
    source_id: str | None = None,
    published: date | None = None,
    lang: Lang = "auto",
) -> Draft:
    """Claims marked ``status: draft`` from figures: subjects, metric and source ids all from ``dataset``."""
    source = source_id or source_id_for(article.name)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", source) or len(source) > 80:
        raise ExtractError(f"source id {source!r} is not a slug (a-z, 0-9 and -, at most 80 characters)")
    if not dataset.vocabulary.metrics:
        raise ExtractError("the dataset's vocabulary.yaml has no metrics to guess from")
    if not dataset.actors:
        raise ExtractError("the dataset's actors.yaml has no actors to name subjects with")
    metrics = _Metrics(dataset, source)
    known = {a.id for a in dataset.actors}
    placeholder = "world" if "world" in known else dataset.actors[0].id
    taken = {c.id for s, c in dataset.claims() if s != source}  # a new draft of a source replaces the old
    claims = []
    for figure in figures:
        candidates = [s for s in figure.subjects if s in known]
        subjects = candidates[: 2 if figure.kind == "comparison" else 1] or [placeholder]
        metric = metrics.guess(figure)
        cited = _cited_sources(figure, dataset, source)
        claim = Claim(
            id=_claim_id(subjects[0], metric, figure.period, taken),
            subjects=tuple(subjects),
            metric=metric,
            quantity=Quantity(
                value=figure.value,
                unit=figure.unit,
                text=figure.text,
                hedge=figure.hedge,
                min=figure.min,
                max=figure.max,
            ),
            period=_period_or_none(figure.period),
            kind=figure.kind,
            attributed_to=cited,
            evidence=Span(start=figure.quote_start, end=figure.quote_start + len(figure.quote), quote=figure.quote),
            status="draft",
            note=_note(figure, candidates, subjects, cited),
        )
        claims.append((claim, figure))
    language = detect_lang(article.text) if lang == "auto" else lang
    entry = ""
    if source not in {s.id for s in dataset.sources}:
        entry = source_entry(source, article, published=published or header_date(article.text), lang=language)
    return Draft(source, entry, tuple(claims))


class _Metrics:
    """Guess a figure's metric: the units the dataset's claims give each metric, and shared words."""

    _UNIT_HINTS: ClassVar[dict[str, tuple[str, ...]]] = {
        "count": ("number",),
        "percent": ("share", "rate", "increase", "decline", "growth"),
        "percentage-point": ("share", "rate", "growth"),
        "times": ("ratio", "multiple"),
        "fraction": ("ratio", "share", "coverage"),
        "GW": ("capacity",),
        "TWh": ("electricity", "energy"),
        "USD-per-million-tokens": ("price",),
        "per-thousand-people": ("per-thousand",),
    }

    def __init__(self, dataset: Dataset, source: str):
        self.ids = [c.id for c in dataset.vocabulary.metrics]
        self.words = {
            c.id: _words(f"{c.label.zh} {c.label.en} {c.id.replace('-', ' ')}") for c in dataset.vocabulary.metrics
        }
        # A word many metrics share (人工智能, share) says little: each counts 1 / how many have it.
        self.weight: dict[str, float] = {}
        for words in self.words.values():
            for word in words:
                self.weight[word] = self.weight.get(word, 0) + 1
        self.weight = {word: 1 / count for word, count in self.weight.items()}
        self.units: dict[str, set[str]] = {}
        for claim_source, claim in dataset.claims():
            if claim.metric and claim.quantity and claim_source != source:  # not an earlier draft of this text
                self.units.setdefault(claim.metric, set()).add(claim.quantity.unit)

    def guess(self, figure: Figure) -> str:
        quote, sentence = _words(figure.quote), _words(figure.sentence)

        def score(index_and_id: tuple[int, str]) -> tuple[float, int]:
            index, metric = index_and_id
            words = self.words[metric]
            points = sum(2 * self.weight[w] for w in words & quote) + sum(self.weight[w] for w in words & sentence)
            units = self.units.get(metric)
            if units:
                points += 6 if figure.unit in units else -6
            elif any(hint in metric for hint in self._UNIT_HINTS.get(figure.unit, ())):
                points += 3
            return points, -index

        return max(enumerate(self.ids), key=score)[1]


def _words(text: str) -> set[str]:
    """Lower-case Latin words and Chinese character pairs: what a metric's label shares with a sentence."""
    latin = {w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in ("the", "and", "for", "of")}
    chinese = re.sub(r"[^\u4e00-\u9fff]+", " ", text)
    return latin | {chinese[i : i + 2] for i in range(len(chinese) - 1) if " " not in chinese[i : i + 2]}


def _cited_sources(figure: Figure, dataset: Dataset, own: str) -> tuple[str, ...]:
    """The sources.yaml id the attribution names: by author, else by the one source of a named publisher."""
    if not figure.attribution:
        return ()
    others = [s for s in dataset.sources if s.id != own and s.kind != "article"]
    by_author = [
        s.id for s in others if s.author and (s.author in figure.attribution or figure.attribution in s.author)
    ]
    if len(by_author) == 1:
        return (by_author[0],)
    by_publisher = [s.id for s in others if s.publisher and s.publisher in figure.attribution_actors]
    return (by_publisher[0],) if len(by_publisher) == 1 else ()


def _claim_id(subject: str, metric: str, period: str | None, taken: set[str]) -> str:
    when = ""
    if period:
        when = period.lower().replace("../", "by-").replace("/..", "-on").replace("/", "-")
    base = re.sub(r"-+", "-", f"{subject}-{metric}-{when}".strip("-"))[:74].strip("-")
    claim_id, number = base, 2
    while claim_id in taken:
        claim_id, number = f"{base}-{number}", number + 1
    taken.add(claim_id)
    return claim_id


def _period_or_none(label: str | None) -> Period | None:
    if label is None:
        return None
    try:
        return Period(label=label)
    except ValueError:
        return None


def _note(figure: Figure, candidates: list[str], subjects: list[str], cited: tuple[str, ...]) -> str:
    parts = ["Drafted by kg extract: check value, unit, hedge, period, subjects, metric and kind"]
    others = [c for c in candidates if c not in subjects]
    if not candidates:
        parts.append("no actor of actors.yaml is named near it, so the subject is a placeholder")
    elif others:
        parts.append(f"other actors in the sentence: {', '.join(others[:6])}")
    if figure.new_actors:
        parts.append(f"names not in actors.yaml: {', '.join(figure.new_actors[:6])}")
    if figure.attribution and not cited:
        parts.append(f"attributed in the text to {figure.attribution} (no source of sources.yaml matched)")
    return "; ".join(parts) + "."


def source_entry(source_id: str, article: Article, *, published: date | None, lang: str) -> str:
    """The data/sources.yaml entry of a text: id, title (its first line), date, language, file, sha256."""
    title = next((line.strip() for line in article.text.splitlines() if line.strip()), source_id)[:120]
    lines = [f"  - id: {source_id}", "    kind: article", f"    title: {_quoted(title)}"]
    if published:
        lines.append(f"    date: {published.isoformat()}")
    lines += [f"    language: {lang}", f"    text: {source_id}.txt", f"    sha256: {article.sha256}"]
    return "\n".join(lines) + "\n"


_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes, plus those YAML reads as line breaks or refuses)."""
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def to_yaml(result: Draft) -> str:
    """The draft as a claims file of data/claims/, with the sources.yaml entry it needs in its header."""
    lines = [
        f"# Draft claims of {result.source}: {len(result.claims)} figures found by `kg extract`, each status: draft.",
        "# Review every claim (value, unit, hedge, period, subjects, metric, kind, quote), then set status: reviewed.",
        "# `kg build` refuses drafts; `kg build --allow-drafts` builds them as they are.",
        *(
            [
                f"# The text goes byte for byte to data/sources/{result.source}.txt, and this entry into"
                " data/sources.yaml:",
                "#",
                *(f"# {line}" for line in result.entry.splitlines()),
            ]
            if result.entry
            else [f"# Source {result.source} is in sources.yaml already."]
        ),
        "",
        f"source: {result.source}",
        "claims:",
    ]
    for claim, figure in result.claims:
        quantity, evidence = claim.quantity, claim.evidence
        assert quantity is not None and isinstance(evidence, Span)
        lines += [
            f"  - id: {claim.id}",
            f"    subjects: [{', '.join(claim.subjects)}]",
            f"    metric: {claim.metric}",
            "    quantity:",
            f"      value: {_quoted(figure.written or _plain(quantity.value))}",
            f"      unit: {quantity.unit}",
            f"      text: {_quoted(quantity.text)}",
            f"      hedge: {quantity.hedge}",
        ]
        if quantity.min is not None and quantity.max is not None:
            lines += [f"      min: {_quoted(_plain(quantity.min))}", f"      max: {_quoted(_plain(quantity.max))}"]
        if claim.period:
            lines.append(f"    period: {_quoted(claim.period.label)}")
        lines.append(f"    kind: {claim.kind}")
        if claim.attributed_to:
            lines.append(f"    attributed_to: [{', '.join(claim.attributed_to)}]")
        lines += [
            "    evidence:",
            f"      start: {evidence.start}",
            f"      end: {evidence.end}",
            f"      quote: {_quoted(evidence.quote)}",
            "    status: draft",
        ]
        if claim.note:
            lines.append(f"    note: {_quoted(claim.note)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


#: Hedges as the ontology labels them, which is how ``kg figures`` prints them.
_HEDGE_LABELS = {"none": "unhedged", "more-than": "more than", "at-least": "at least", "up-to": "up to"}


def records(result: Draft, actors: Sequence[Actor]) -> list[dict[str, Any]]:
    """One record per draft claim with the keys and value forms of ``kg figures --format json``."""
    from kg.figures import FIGURE_FIELDS

    labels = {a.id: a.label.best("en") for a in actors}
    found = []
    for claim, _ in result.claims:
        quantity, evidence = claim.quantity, claim.evidence
        assert quantity is not None and isinstance(evidence, Span)
        start = evidence.start + evidence.quote.index(quantity.text)
        low, high = quantity.bounds()  # the graph holds a hedge as bounds
        record = {
            "id": claim.id,
            "value": _plain(quantity.value),
            "min": _plain(low) if low is not None else None,
            "max": _plain(high) if high is not None else None,
            "unit": quantity.unit,
            "text": quantity.text,
            "hedge": _HEDGE_LABELS.get(quantity.hedge, quantity.hedge),
            "period": claim.period.label if claim.period else None,
            "subject": "; ".join(sorted(labels.get(s, s) for s in claim.subjects)),
            "subjects": sorted(claim.subjects),
            "metric": claim.metric,
            "kind": claim.kind,
            "attributed_to": sorted(claim.attributed_to),
            "source": result.source,
            "start": start,
            "end": start + len(quantity.text),
            "quote": evidence.quote,
            "quote_start": evidence.start,
            "quote_end": evidence.end,
        }
        found.append({key: record[key] for key in FIGURE_FIELDS})
    return found


# ---------------------------------------------------------------------------------------------
# Evaluation against curated claims


@dataclass
class Evaluation:
    """Extracted figures against the curated claims of the same text.

    A curated figure is *found* when an extracted figure's span overlaps its own, and *matched*
    when that figure also has its value; recall and precision count matches.
    """

    gold: int = 0
    predicted: int = 0
    found: int = 0
    matched: int = 0
    matched_predictions: int = 0
    same_unit: int = 0
    same_period: int = 0
    same_subject: int = 0
    missed: list[str] = field(default_factory=list)
    wrong_value: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched_predictions / self.predicted if self.predicted else 1.0

    @property
    def value_accuracy(self) -> float:
        return self.matched / self.found if self.found else 1.0

    def report(self) -> str:
        def share(part: int, whole: int) -> str:
            return f"{100 * part / whole:.1f} %" if whole else "-"

        lines = [
            f"{self.gold} curated figures, {self.predicted} extracted",
            f"recall     {share(self.matched, self.gold)} ({self.matched} of {self.gold} curated figures:"
            " span overlaps and value equal)",
            f"precision  {share(self.matched_predictions, self.predicted)} ({self.matched_predictions} of"
            f" {self.predicted} extracted figures)",
            f"values     {share(self.matched, self.found)} right of the {self.found} curated figures found",
            f"agreement  on the {self.matched} matched: unit {share(self.same_unit, self.matched)},"
            f" period {share(self.same_period, self.matched)}, subject {share(self.same_subject, self.matched)}",
        ]
        for title, items in (("missed", self.missed), ("wrong value", self.wrong_value), ("not curated", self.extra)):
            if items:
                lines.append(f"{title}:")
                lines += [f"  {item}" for item in items]
        return "\n".join(lines) + "\n"


def load_claims(path: Path) -> ClaimsFile:
    """A claims file (data/claims/*.yaml) on its own; ExtractError if it is missing or invalid."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtractError(f"{path}: file not found") from None
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        raise ExtractError(f"{path}: not a YAML claims file ({str(err).splitlines()[0]})") from None
    try:
        return ClaimsFile.model_validate(data)
    except ValueError as err:
        raise ExtractError(f"{path}: not a claims file ({str(err).splitlines()[0]})") from None


def evaluate(figures: Sequence[Figure], curated: ClaimsFile, text: str) -> Evaluation:
    """Recall, precision and agreement of ``figures`` against the curated claims of ``text``."""
    result = Evaluation(predicted=len(figures))
    spans = []
    for claim in curated.claims:
        if claim.quantity is None or not isinstance(claim.evidence, Span):
            continue
        span = claim.evidence
        if text[span.start : span.end] != span.quote:
            raise ExtractError(
                f"claim {claim.id}: its quote is not at [{span.start}, {span.end}) of this text"
                " (are the claims of another text?)"
            )
        start = span.start + span.quote.index(claim.quantity.text)
        spans.append((claim, start, start + len(claim.quantity.text)))
    result.gold = len(spans)
    used: set[int] = set()
    for claim, start, end in spans:
        assert claim.quantity is not None
        overlapping = [i for i, f in enumerate(figures) if f.start < end and start < f.end]
        if not overlapping:
            result.missed.append(f"{claim.id}: {claim.quantity.text}")
            continue
        result.found += 1
        right = [i for i in overlapping if figures[i].value == claim.quantity.value]
        if not right:
            wrong = figures[overlapping[0]]
            result.wrong_value.append(
                f"{claim.id}: {claim.quantity.text} is {_plain(claim.quantity.value)}, read {wrong.text} as"
                f" {_plain(wrong.value)}"
            )
            continue
        chosen = next((i for i in right if i not in used), right[0])
        used.add(chosen)
        figure = figures[chosen]
        result.matched += 1
        result.same_unit += figure.unit == claim.quantity.unit
        result.same_period += figure.period == (claim.period.label if claim.period else None)
        result.same_subject += bool(figure.subjects) and figure.subjects[0] in claim.subjects
    result.matched_predictions = len(used)
    for i, figure in enumerate(figures):
        if i not in used and not any(figure.start < end and start < figure.end for _, start, end in spans):
            result.extra.append(f"{figure.text} at {figure.start}")
    return result
