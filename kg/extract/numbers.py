"""The figures of a text: every number with its exact characters, value, unit and hedge.

Amounts with their scale and currency (3万亿美元, 2,500億美元, 3兆美元, $109.1 billion, 12 billion US
dollars, $US15 billion, a 2 trillion-dollar manager, €50bn, HK$4.2 billion, NT$30 billion),
percentages, tenths and ranges (75%, 百分之八十, 近三成, 15%-25%, 15 to 25 percent), multiples and
fractions (12倍, 翻两番, 三分之一, thirteenfold, tripling, a third, half), counts with classifiers
(33 个, 八個地點, 兩座, three plants), capacities, energy and prices (5.8 吉瓦, 754-MW, 945 TWh,
25 basis points, 98.5 cents on the dollar, 每百万代币0.14美元). Two amounts joined by "to" are one
range only when they share a unit and no "by" or "from" makes them a change and a level ("tightened
by 15 bps to 80 basis points" is −15 bp and 80 bp).

Not figures: the digits of names (标普500, GPT-4o), groups' names (七大科技巨头), dates and times,
durations (10 years, 18個月), compound adjectives (500-kV, 15-year), phone numbers, list numbering
and bare years. Every pattern is bounded (numerals of at most 12 characters, numbers of at most 15
digits), so that no run of digits or numerals costs more than its length.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

from kg.amounts import CURRENCIES, SCALES, UNITS
from kg.extract.lexicon import words
from kg.extract.text import Document
from kg.models import Hedge, Unit, parse_decimal

#: Unit words beyond kg.amounts' (which kg.trace shares): currencies named after the number.
_MORE_UNITS: dict[str, str] = {
    "us dollars": "USD", "us dollar": "USD", "u.s. dollars": "USD", "american dollars": "USD", "-dollar": "USD",
    "dollar": "USD", "hong kong dollars": "HKD", "new taiwan dollars": "TWD", "nt dollars": "TWD", "twd": "TWD",
    "nt$": "TWD", "新台币": "TWD", "台币": "TWD", "renminbi": "CNY", "$us": "USD", "us$": "USD", "间": "count",
    "处": "count", "栋": "count", "cents on the dollar": "percent",
}  # fmt: skip
_UNITS: dict[str, str] = {**UNITS, **_MORE_UNITS}
_SCALES: dict[str, int] = {**SCALES, "bil": 10**9, "bln": 10**9, "mil": 10**6, "mln": 10**6, "兆": 10**12}

_D = "[0-9]"
#: At most 15 digits, and never the middle of a longer run: a table of digits is read once.
_NUM = rf"(?<![0-9])(?:{_D}{{1,3}}(?:,{_D}{{3}}){{1,5}}|{_D}{{1,15}})(?:\.{_D}{{1,8}})?(?![0-9])"
_ZH_DIGIT = "零〇一二两三四五六七八九十百千万亿"
_ZH_CURRENCY = "元人民币|人民币|美元|美金|欧元|英镑|日元|日圆|港元|港币|韩元|新台币|台币|元"
#: 兆 is a trillion before money (3兆美元, Taiwan and Japan); before 瓦 it is mega (兆瓦), a unit.
_ZH_SCALE = f"万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千(?![瓦克米])|兆(?=\\s?(?:{_ZH_CURRENCY}))"
_EN_SCALE = r"(?i:trillion|billion|million|thousand|trn|tn|bn|mn|bil|bln|mil|mln)(?![A-Za-z])"
_CLASSIFIER = "个(?!月|季度|小时|星期|工作日)|条|家|台|项|座|名|位(?!数)|款|次|篇|部|架|种|所|笔|颗|枚|辆|艘|间|处|栋"
#: 成 is tenths of a whole (三成 = 30 %); not in 成本 (cost), 成立, 成功, 成交, 成员, 一成不变 ...
_TENTHS = "成(?![本立功交员长熟品果型绩年人不])"
_ZH_UNIT = (
    f"个百分点|百分点|个基点|基点|{_ZH_CURRENCY}|%|倍|吉瓦时|吉瓦|太瓦时|兆瓦时|兆瓦|千瓦时|千瓦|{_CLASSIFIER}"
    f"|人(?![工民])|{_TENTHS}"
)
_EN_UNIT = (
    r"(?:%|(?:percentage points?|percent|per cent|pct|pp|basis points?|bps|bp|times|-?fold"
    r"|GWh|MWh|[kK]Wh|TWh|GW|MW|[kK]W|(?:giga|mega|kilo|tera)watt[- ]hours?|(?:giga|mega|kilo)watts?|terawatt[- ]hours?"
    r"|cents on the dollar|(?:U\.?S\.?|American|Hong Kong|New Taiwan|NT) dollars?|dollars?"
    r"|USD|euros?|EUR|yuan|renminbi|RMB|CNY|pounds|sterling|GBP|yen|JPY|HKD|KRW|TWD)(?![A-Za-z]))"
)
_CURRENCY_SIGN = r"\$\s?US(?![A-Za-z])|US\$|HK\$|NT\$|\$|€|£|¥|₩|(?:USD|EUR|CNY|RMB|Rmb|GBP|JPY|HKD|KRW|TWD)\s?"
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
    rf"|(?:{_D}{{1,3}}\.){{2,}}{_D}{{1,3}}"  # 1.1.1, 192.168.0.1: section and version numbers
    # names with digits (GPT-4o, V3, FY2025, H1), not a currency code before its amount (Rmb50bn, US$5)
    rf"|(?<![A-Za-z0-9])(?!(?:Rmb|RMB|USD|EUR|GBP|JPY|HKD|KRW|CNY|TWD|US|HK|NT)\s?\$?{_D})[A-Za-z][A-Za-z.]{{0,20}}[-‐]?{_D}[A-Za-z0-9.]{{0,20}}"
    rf"|{_D}{{1,4}}(?:st|nd|rd|th)(?![A-Za-z])|第[0-9{_ZH_DIGIT}]{{1,8}})"  # ordinals
)
_PRICES = (
    rf"(?P<f_price_zh>每(?:百万|一百万|100万)个?(?:代币|词元|[Tt]okens?)\s?(?P<pz_num>{_NUM})\s?(?P<pz_cur>{_ZH_CURRENCY}))"
    rf"|(?P<f_per1000_zh>每千人(?:拥有|有|约)?\s?(?P<kz_num>{_NUM})\s?(?:台|个|部|名|人)?)"
    rf"|(?P<f_price_en>(?P<pe_cur>US\$|\$|€|¥)\s?(?P<pe_num>{_NUM})\s?(?:per|/|a|for every)\s?"
    r"(?:1\s?M|1 million|one million|million|mn|M)\s(?:input |output )?tokens?(?![A-Za-z]))"
    rf"|(?P<f_per1000_en>(?P<ke_num>{_NUM})(?:\s[A-Za-z-]{{1,20}}){{0,2}}\s(?:per|for every)\s(?:1,000|1000|thousand"
    r"|one thousand)\s(?:people|inhabitants|residents|persons)(?![A-Za-z]))"
)
_FRACTION = rf"(?P<f_frac>(?<![0-9/])(?P<fr_n>{_D}{{1,3}})/(?P<fr_d>{_D}{{1,4}})(?![0-9/]))"
# One amount, or two joined by a dash, 至, to or between … and: each side may carry its own currency,
# scale and unit ($2 billion to $4 billion, 200亿至250亿元, 78% to $39.3 billion); _amount decides
# whether the two are one range or two figures.
_AMOUNT = (
    rf"(?P<f_amount>(?P<a_between>(?<![A-Za-z])between\s)?(?P<a_cur>{_CURRENCY_SIGN})?(?P<a_num>{_NUM})"
    rf"(?:(?>(?:\s?(?P<a_scale0>{_ZH_SCALE}|{_EN_SCALE})|(?P<a_scale01>[TBMKk])(?![A-Za-z]))?)"
    rf"(?>(?:\s?(?P<a_unit0>{_ZH_UNIT}|{_EN_UNIT}))?)"
    rf"\s?(?P<a_sep>-|–|—|~|～|至|到|to|(?(a_between)and|(?!)))\s?(?P<a_cur2>{_CURRENCY_SIGN})?(?P<a_num2>{_NUM}))?"
    rf"(?:\s?(?P<a_scale>{_ZH_SCALE}|{_EN_SCALE})|(?P<a_scale1>[TBMKk])(?![A-Za-z]))?"
    rf"(?:(?:\s|-(?=[A-Za-z]))?(?P<a_unit>{_ZH_UNIT}|{_EN_UNIT})|(?P<a_x>[x×])(?![A-Za-z]))?)"
)
_CHINESE = (
    rf"(?P<z_pct>百分之(?P<zp_num>{_NUM}|[零〇一二两三四五六七八九十百点]{{1,8}}))"
    r"|(?P<z_frac>(?P<zf_d>[一二两三四五六七八九十百千]{1,4})分之(?P<zf_n>[一二两三四五六七八九十]{1,3}))"
    r"|(?P<z_half>一半)"
    r"|(?P<z_fan>(?:(?<=翻)|(?<=翻了))(?P<zfan_n>[一两二三四])番|翻番)"
    r"|(?P<z_halfyear>(?<![上下前后])半年(?![度报]))"
    r"|(?P<z_some>(?<![数几])[数几](?P<zs_scale>万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千|百|十)"
    rf"(?P<zs_unit>{_ZH_CURRENCY}|{_CLASSIFIER}|倍))"
    rf"|(?P<z_bare>(?<![0-9{_ZH_DIGIT}数几])(?P<zb_scale>万亿|千亿|亿)(?P<zb_cur>{_ZH_CURRENCY}))"
    rf"|(?P<z_num>(?<![{_ZH_DIGIT}周礼期])(?P<zn_digits>[{_ZH_DIGIT}]{{1,12}}(?:点[零〇一二三四五六七八九]{{1,6}})?)(?P<zn_more>多|余)?"
    rf"(?P<zn_unit>{_ZH_UNIT}|大(?=[\u4e00-\u9fff])))"
)
_ENGLISH = (
    r"(?P<e_frac>(?<![A-Za-z-])(?P<ef_n>[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our)[\s-]"
    r"(?P<ef_d>half|third|quarter|fourth|fifth|sixth|eighth|tenth)s?"
    r"(?![A-Za-z-])(?!\s+(?:party|parties|time|place|round|consecutive|largest|biggest|century|quarter)))"
    r"|(?P<e_half>(?<![A-Za-z-])[Hh]alf(?![A-Za-z-]))"
    r"|(?P<e_digits>(?<![A-Za-z-])[Dd]ouble-digit(?=\s+(?:percent|growth|gains?|increases?|rises?|declines?|returns?)))"
    rf"|(?P<e_mult>(?<![A-Za-z-])(?:(?P<em_word>{_EN_WORD})(?:-?fold|\s+times)|(?P<em_verb>twice|doubled?|tripled?"
    r"|quadrupled?|doubling|tripling|quadrupling))(?![A-Za-z-])(?!\s+(?:down|up|check|standard|whammy|counting|taxation|dip)\b))"
    rf"|(?P<e_amt>(?<![A-Za-z-])(?P<ea_word>{_EN_WORD}|one|an?)\s+(?P<ea_scale>hundred|thousand|million|billion"
    r"|trillion)(?:\s+(?P<ea_cur>dollars|euros|yuan))?(?![A-Za-z]))"
    rf"|(?P<e_power>(?<![A-Za-z-])(?P<ep_word>{_EN_WORD}|one)\s+(?P<ep_unit>gigawatts?|megawatts?|terawatt-hours?))"
    rf"|(?P<e_count>(?<![A-Za-z-])(?P<ec_word>{_EN_WORD})(?=\s+(?:[a-z]|[0-9])))"
)
# Each pattern looks at the first character first (a digit, a numeral, a word's first letter): re would
# otherwise try every alternative at every position, ten times slower.
_WORD_START = "(?<![A-Za-z])[A-Za-z]"
FIGURES = {
    "zh": re.compile(
        f"(?=[0-9$€¥£₩{_ZH_DIGIT}数几半每第翻]|{_WORD_START})"
        f"(?:{'|'.join((_SKIP, _PRICES, _FRACTION, _AMOUNT, _CHINESE))})"
    ),
    "en": re.compile(f"(?=[0-9$€¥£₩]|{_WORD_START})(?:{'|'.join((_SKIP, _PRICES, _FRACTION, _AMOUNT, _ENGLISH))})"),
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
                    "quadruple": 4, "quadrupled": 4, "quadrupling": 4})  # fmt: skip

HEDGE_WORDS: dict[str, Hedge] = {
    **dict.fromkeys(("约", "大约", "大概", "左右", "上下", "about", "around", "approximately", "roughly", "some",
                     "~", "or so", "an estimated", "estimated"), "about"),
    **dict.fromkeys(("近", "将近", "接近", "近乎", "几乎", "nearly", "almost", "close to", "just under"), "nearly"),
    **dict.fromkeys(("超过", "逾", "超", "突破", "多于", "高于", "多", "余", "有余", "more than", "over", "above",
                     "in excess of", "upwards of", "just over", "+", "plus"), "more-than"),
    **dict.fromkeys(("至少", "不少于", "不低于", "以上", "at least", "no less than", "no fewer than", "or more",
                     "and above", "and up"), "at-least"),
    **dict.fromkeys(("高达", "多达", "最多", "至多", "最高", "不超过", "不到", "不足", "低于", "少于", "以下", "以内",
                     "up to", "as much as", "as many as", "as high as", "as large as", "as big as", "less than",
                     "fewer than", "under", "below", "at most", "or less"), "up-to"),
}  # fmt: skip
_HEDGE_BEFORE = re.compile(
    r"(?P<h>大约|大概|约|将近|接近|近乎|几乎|(?<!最)近|超过|逾|突破|高达|多达|最多|至多|最高|至少|不少于|不低于|不超过|不到|不足"
    r"|低于|少于|多于|(?<![A-Za-z])(?i:about|around|approximately|roughly|some|almost|nearly|close to|just under"
    r"|just over|more than|over|above|in excess of|upwards of|at least|no less than|no fewer than|up to|as much as"
    r"|as many as|as high as|as large as|as big as|less than|fewer than|under|below|at most|an estimated)|~)"
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
#: "from $18.4 billion to $35.6 billion", "by 15 bps to 80 basis points": a start or a change, then a level.
_CHANGE_THEN_LEVEL = re.compile(r"(?:(?<![A-Za-z])(?:[Ff]rom|by)|从|由)\s?$")
#: 近三成, 约一成, 占一成: 一成 after a word that asks for a figure (not 统一成, 唯一成).
_TENTH_BEFORE = re.compile(r"(?:近|约|逾|超|到|足|仅|只|有|占|达|的|为|是|[，,、\s])$")
#: 三大电信运营商, 四大行, 五大会计师事务所: 大 before a kind of organisation makes a group's name.
_GROUP_NAME = re.compile(
    r"[\u4e00-\u9fff]{0,8}?(?:运营商|巨头|银行|行(?![业动为])|公司|集团|企业|车企|厂商|央企|航司|交易所|事务所|业者|服务商"
    r"|平台|云厂商)"
)
_TIME_WORDS = re.compile(r"\s?(?:世纪|年代|年|月|日|号|时|点(?!\d)|分(?!之)|秒|岁|周|天|小时|个月|指数|页|位|期)")
_EN_DURATION = re.compile(r"(?:\s+|-)(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)(?![A-Za-z])")
_EN_TIME_WORDS = re.compile(r"\s+(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|of|or|and|to)\b")
_LIST_NUMBER = re.compile(r"(?:^|\n)[ \t]*[(（]?$")
_CAPITALISED_WORD = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z&]*\s$")
_HALF_NOT_A_FIGURE = re.compile(r"(?:first|second|1st|2nd|latter|former|other|and\s+a|an?)\s+$", re.IGNORECASE)
_HALF_FOLLOWED = re.compile(r"\s+(?:of\s+(?:the\s+)?(?:year|fiscal|(?:19|20)\d\d)|year|time|an?\s)", re.IGNORECASE)
#: A number that is the first part of a compound adjective: 500-kV, 15-year, 4-million-square-foot.
_COMPOUND = re.compile(r"-(?!(?:MW|GW|kW|KW|TWh|GWh|MWh|dollar|fold)(?![A-Za-z]))[A-Za-z]")
_DIGITS = re.compile(r"[0-9][0-9,.]{0,30}")  # bounded: a table of digits and commas is one long run
_FOLLOWER = re.compile(r"\s+([A-Za-z][A-Za-z-]*)")
#: Words after a scaled number that make it a count, not money: 650 million users, 7億 (weekly users).
_FUNCTION_WORDS = words(
    "in of to and or from for a an the on at by with as than into over under per its their this that up "
    "down more less nearly about around"
)
#: Capitalised words that start sentences rather than name anything (Figure 2 is a name; In 2024 is not).
NOT_NAMES = words(
    "The A An In On At By For But And Or If As It Its This That These Those According However Meanwhile "
    "While When From With Since Over About More Nearly Almost Up We They He She I Our Their Some Most "
    "Many All Last Next First Second Third Total Between Both Each After Before During Despite Only Just "
    "Around Roughly Under Another"
)


@dataclass
class Number:
    """A figure as the patterns read it: characters [start, end), value, unit, hedge and bounds."""

    start: int
    end: int
    value: Decimal
    unit: Unit | None  # None: an amount with a scale but no unit, which the sentence supplies
    hedge: Hedge = "none"
    low: Decimal | None = None
    high: Decimal | None = None
    written: str = ""  # the value for a claims file: "1/12" for a fraction, else the decimal
    bare: bool = False  # a number with neither unit nor scale: a count, unless the context says otherwise
    number_start: int | None = None  # where the digits start, past a currency sign (US$ is no name)
    zh_numeral: bool = False
    vague: bool = False  # 万亿美元 with no number: about, unless the text hedges it otherwise
    scaled: bool = False  # written with a scale word (billion, 亿): money unless a noun follows


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
            value, scale = value * _SCALES[other.scale.lower()], other.scale
        if unit is None:
            unit = other.unit
        return _Side(self.start, self.end, value, unit, scale, self.number_start)

    def number(self) -> Number:
        unit = self.unit if self.unit or self.scale else "count"  # a scale alone: the sentence's currency, later
        return Number(self.start, self.end, self.value, unit, bare=self.bare, number_start=self.number_start,
                      scaled=self.scale is not None)  # fmt: skip


class NumberReader:
    """Reads the figures of a document: pattern matches, each turned into zero, one or two numbers."""

    def __init__(
        self,
        doc: Document,
        is_name: Callable[[int, int], bool],
        in_period: Callable[[int, int], bool],
        companies_before: Callable[[int], set[str]] = lambda _: set(),
    ):
        self.doc, self.text, self.lang = doc, doc.norm, doc.lang
        self.is_name, self.in_period, self.companies_before = is_name, in_period, companies_before

    def numbers(self) -> list[Number]:
        """Every figure of the text, in order, with a unit and a hedge."""
        found = [n for match in FIGURES[self.lang].finditer(self.text) for n in self._read(match)]
        found = [n for n in found if self._is_figure(n)]
        for index, number in enumerate(found):  # in order, so that a figure can take the unit of one resolved before
            self._with_unit(index, found)
            if number.hedge == "none":
                number.hedge = self._hedge(number)
        return found

    def _read(self, match: re.Match[str]) -> list[Number]:
        family = match.lastgroup
        if family is None or family == "f_skip":
            return []
        reader = getattr(self, f"_{family}")
        start = match.end("a_between") if family == "f_amount" and match["a_between"] else match.start(family)
        read: Number | list[Number] | None = reader(match, start, match.end(family))
        return [] if read is None else read if isinstance(read, list) else [read]

    def _f_price_zh(self, m: re.Match[str], start: int, end: int) -> Number | None:
        if _UNITS[m["pz_cur"]] != "USD":
            return None
        return Number(start, end, _decimal(m["pz_num"]), "USD-per-million-tokens")

    def _f_price_en(self, m: re.Match[str], start: int, end: int) -> Number | None:
        if _UNITS[m["pe_cur"].lower()] != "USD":
            return None
        return Number(start, end, _decimal(m["pe_num"]), "USD-per-million-tokens")

    def _f_per1000_zh(self, m: re.Match[str], start: int, end: int) -> Number | None:
        return Number(start, end, _decimal(m["kz_num"]), "per-thousand-people")

    def _f_per1000_en(self, m: re.Match[str], start: int, end: int) -> Number | None:
        return Number(start, end, _decimal(m["ke_num"]), "per-thousand-people")

    def _f_frac(self, m: re.Match[str], start: int, end: int) -> Number | None:
        numerator, denominator = int(_decimal(m["fr_n"])), int(_decimal(m["fr_d"]))
        if not 0 < numerator < denominator:
            return None
        return _fraction(start, end, numerator, denominator)

    def _f_amount(self, m: re.Match[str], start: int, end: int) -> Number | list[Number] | None:
        """One amount; or two joined by a dash, 至, to, between … and: one range when both have the same
        unit once each side lends the other what it leaves out ($2-4 billion, 15 to 25 percent,
        200亿至250亿元), else two figures (rose 78% to $39.3 billion; from $18.4 billion to $35.6 billion;
        cut 25 basis points to 4.25%)."""
        if not m["a_num2"]:
            side = self._side(m, start, end, "a_cur", "a_num", ("a_scale", "a_scale1"), ("a_unit", "a_x"))
            return side.number() if side else None
        left_end = max(m.end(g) for g in ("a_num", "a_scale0", "a_scale01", "a_unit0") if m[g] is not None)
        left = self._side(m, start, left_end, "a_cur", "a_num", ("a_scale0", "a_scale01"), ("a_unit0",))
        right_start = m.start("a_cur2") if m["a_cur2"] else m.start("a_num2")
        right = self._side(m, right_start, end, "a_cur2", "a_num2", ("a_scale", "a_scale1"), ("a_unit", "a_x"))
        if left is None or right is None:
            return None
        if left.bare and right.bare:
            if m["a_sep"] == "to" or not left.value < right.value:
                return None  # "from 2 to 5", 2024-25, a 4-1 vote: too loose to be a range of a figure
            return Number(start, end, (left.value + right.value) / 2, "count", "range", left.value, right.value,
                          bare=True, number_start=left.number_start)  # fmt: skip
        if right.bare:
            return [left.number(), right.number()]  # rose 12% to 2,500 stores
        lent_left, lent_right = left.lent(right), right.lent(left)
        # "by 15 bps to 80 basis points", "from $18.4 billion to $35.6 billion": a change (or a start) and a level;
        # "by 15 to 25 percent", where the first borrows its unit, is one range
        change_then_level = (
            m["a_sep"] == "to" and not left.bare and _CHANGE_THEN_LEVEL.search(self.text, max(0, start - 6), start)
        )
        if lent_left.unit != lent_right.unit or change_then_level:
            return [left.number(), right.number()]
        if lent_left.value < lent_right.value:
            middle = (lent_left.value + lent_right.value) / 2
            number = Number(start, end, middle, lent_left.unit, "range", lent_left.value, lent_right.value,
                            number_start=left.number_start, scaled=lent_left.scale is not None)  # fmt: skip
            return number if number.unit is not None or lent_left.scale else dataclasses.replace(number, unit="count")
        return [lent_left.number(), lent_right.number()]

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
        value = _decimal(m[num]) * (_SCALES[scale.lower()] if scale else 1)
        unit_word = " ".join((next((m[u] for u in units if m[u]), None) or "").lower().split())
        unit: Unit | None = None
        if unit_word.startswith("成"):
            value, unit = value * 10, "percent"  # 3成: three tenths
        elif unit_word:
            unit = _UNITS.get(unit_word) or _UNITS.get(unit_word.replace(".", ""))  # type: ignore[assignment]
        if m[cur]:
            sign = "".join(m[cur].split()).lower()
            currency: Unit | None = _UNITS.get(sign)  # type: ignore[assignment]
            if sign == "¥" and self.lang == "en":
                _, sentence_start, sentence_end = self.doc.sentence_of(start)
                if not _YUAN_NEAR.search(self.text, sentence_start, sentence_end):
                    currency = "JPY"  # English writes the yuan as yuan or Rmb (or ¥ beside China), the yen as ¥
            if currency and (unit is None or unit in CURRENCIES or unit == "TWD"):
                unit = currency
        return _Side(start, end, value, unit, scale, m.start(num))

    def _z_pct(self, m: re.Match[str], start: int, end: int) -> Number | None:
        number = m["zp_num"]
        value = _decimal(number) if number[0].isdigit() else chinese_number(number)
        return Number(start, end, value, "percent", zh_numeral=True) if value is not None else None

    def _z_frac(self, m: re.Match[str], start: int, end: int) -> Number | None:
        denominator, numerator = chinese_number(m["zf_d"]), chinese_number(m["zf_n"])
        if denominator is None or numerator is None or not 0 < numerator < denominator:
            return None
        return _fraction(start, end, int(numerator), int(denominator))

    def _z_half(self, m: re.Match[str], start: int, end: int) -> Number | None:
        return Number(start, end, Decimal("0.5"), "fraction", written="0.5")

    def _z_halfyear(self, m: re.Match[str], start: int, end: int) -> Number | None:
        return Number(start, end, Decimal(6), "count")  # six months: a duration, counted in months

    def _z_some(self, m: re.Match[str], start: int, end: int) -> Number | None:
        # 数千亿 (several hundred billion) reads as 2 to 9 of the scale, valued at the midpoint; 数十篇 (some tens of
        # papers) is too vague to count.
        if m["zs_scale"] == "十" and _unit_of(m["zs_unit"]) == "count":
            return None
        scale = Decimal({"十": 10, "百": 100}.get(m["zs_scale"]) or _SCALES[m["zs_scale"]])
        low, high = 2 * scale, 9 * scale
        return Number(start, end, (low + high) / 2, _unit_of(m["zs_unit"]), "range", low, high, zh_numeral=True)

    def _z_bare(self, m: re.Match[str], start: int, end: int) -> Number | None:
        value = Decimal(_SCALES[m["zb_scale"]])
        return Number(start, end, value, _unit_of(m["zb_cur"]), zh_numeral=True, vague=True)

    def _z_fan(self, m: re.Match[str], start: int, end: int) -> Number | None:
        doublings = int(chinese_number(m["zfan_n"]) or 0) if m["zfan_n"] else 1
        return Number(start, end, Decimal(2**doublings), "times", zh_numeral=True)  # 翻两番: doubled twice, 4 times

    def _z_num(self, m: re.Match[str], start: int, end: int) -> Number | None:
        value = chinese_number(m["zn_digits"])
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
        elif m["zn_unit"] == "家" and self._anaphoric_group(start, end, int(value)):
            return None  # 三家公司将…, after three companies were named: the group, not a count
        return Number(start, end, value, unit, "more-than" if m["zn_more"] else "none", zh_numeral=True)

    def _anaphoric_group(self, start: int, end: int, size: int) -> bool:
        """三家公司 at the head of its clause, when the text has already named that many companies."""
        clause_start, _ = self.doc.clause_of(start, end)
        if start - clause_start > 2 or not re.match(r"(?:公司|企业|巨头)", self.text[end : end + 2]):
            return False
        return len(self.companies_before(start)) >= size

    def _e_frac(self, m: re.Match[str], start: int, end: int) -> Number | None:
        return _fraction(start, end, _EN_NUMBERS[m["ef_n"].lower()], _EN_NUMBERS[m["ef_d"].lower()])

    def _e_half(self, m: re.Match[str], start: int, end: int) -> Number | None:
        if _HALF_NOT_A_FIGURE.search(self.text, max(0, start - 12), start) or _HALF_FOLLOWED.match(self.text, end):
            return None
        return Number(start, end, Decimal("0.5"), "fraction", written="0.5")

    def _e_digits(self, m: re.Match[str], start: int, end: int) -> Number | None:
        # double-digit growth: somewhere from 10 to 99 percent
        return Number(start, end, Decimal("54.5"), "percent", "range", Decimal(10), Decimal(99))

    def _e_mult(self, m: re.Match[str], start: int, end: int) -> Number | None:
        word = (m["em_word"] or m["em_verb"]).lower()
        return Number(start, end, Decimal(english_number(word) or 0), "times")

    def _e_amt(self, m: re.Match[str], start: int, end: int) -> Number | None:
        value = Decimal((english_number(m["ea_word"].lower()) or 0) * _SCALES.get(m["ea_scale"].lower(), 100))
        unit: Unit | None = _unit_of(m["ea_cur"]) if m["ea_cur"] else None
        return Number(start, end, value, unit, scaled=unit is None)

    def _e_count(self, m: re.Match[str], start: int, end: int) -> Number | None:
        if _EN_TIME_WORDS.match(self.text, end):
            return None
        return Number(start, end, Decimal(english_number(m["ec_word"].lower()) or 0), "count")

    def _e_power(self, m: re.Match[str], start: int, end: int) -> Number | None:
        unit = _unit_of(m["ep_unit"].lower().rstrip("s"))
        return Number(start, end, Decimal(english_number(m["ep_word"].lower()) or 0), unit)

    # -- what is not a figure

    def _is_figure(self, n: Number) -> bool:
        text, start, end = self.text, n.start, n.end
        digits = _DIGITS.match(text, n.number_start or start)
        if self.is_name(n.number_start or start, digits.end() if digits else end) or self.in_period(start, end):
            return False  # 标普500, GPT-4o (a unit word may be a name: 12 billion US dollars)
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before.isascii() and before.isalpha() and (text[start] == "$" or text[start] not in "€¥£₩"):
            return False  # V3, GPT4; C$2 billion, A$5 billion: dollars we have no unit for
        if before in "-‐" and start > 1 and text[start - 2].isascii() and text[start - 2].isalnum():
            return False  # GPT-4, COVID-19
        if after.isascii() and after.isalpha() and n.unit in ("count", None) and not n.zh_numeral:
            return False  # 4o, 1990s
        if n.unit in ("count", None) and not n.zh_numeral and _COMPOUND.match(text, end):
            return False  # 500-kV, 15-year, 4-million-square-foot
        if not n.bare:
            return True
        if n.value == n.value.to_integral_value() and 1800 <= n.value <= 2100 and "," not in text[start:end]:
            return False  # a bare year
        if _TIME_WORDS.match(text, end):
            return False  # 20世纪, 10个月, 11月, 标普500指数, 456页, 16位
        if _LIST_NUMBER.search(text, max(0, start - 8), start) and re.match(r"[.、)）]", after or "x"):
            return False  # 1. 2. (3): list numbering
        if before in "(（" and after in ")）":
            return False
        if self.lang == "en":
            if _EN_DURATION.match(text, end):
                return False  # 10 years
            if (
                after == ","
                and 15 <= n.value <= 110
                and re.search(r"[A-Z][a-z]+,\s$", text[max(0, start - 20) : start])
            ):
                return False  # Clay, 39, is taking the lead: an age
            word = _CAPITALISED_WORD.search(text, max(0, start - 20), start)
            if word and word.group().strip() not in NOT_NAMES:
                return False  # Llama 3, Figure 2, S&P 500
        elif re.match(r"[A-Za-z]", before or " ") or (
            before == " " and re.match(r"[A-Za-z]", text[start - 2 : start - 1])
        ):
            return False  # Top100, Top 100
        return True

    # -- unit and hedge from the context

    def _with_unit(self, index: int, found: list[Number]) -> None:
        """A scaled number without a unit: a count when a noun follows (650 million users), else the unit of
        the nearest scaled figure of its sentence (3万亿美元…1.5万亿; 650 million users … up from 450 million)."""
        n = found[index]
        if n.unit is not None:
            return
        follower = _FOLLOWER.match(self.text, n.end, n.end + 30)
        if follower and follower[1].lower() not in _FUNCTION_WORDS and follower[1].lower() not in _UNITS:
            n.unit = "count"
            return
        _, sentence_start, sentence_end = self.doc.sentence_of(n.start)
        window = found[max(0, index - 8) : index + 8]  # the nearest figures: bounded, however long the sentence
        scaled = [
            o
            for o in window
            if o is not n
            and sentence_start <= o.start < sentence_end
            and o.unit is not None
            and (o.scaled or o.unit in CURRENCIES)
        ]
        n.unit = min(scaled, key=lambda o: (abs(o.start - n.start), o.start > n.start)).unit if scaled else "count"

    def _hedge(self, n: Number) -> Hedge:
        text = self.doc.norm
        clause_start, _ = self.doc.clause_of(n.start, n.end)
        before = _HEDGE_BEFORE.search(text, max(clause_start, n.start - 24), n.start)
        if before:
            return HEDGE_WORDS[before["h"].lower()]
        after = _HEDGE_AFTER.match(text, n.end)
        if after:
            return HEDGE_WORDS[after["h"].strip().lower()]
        if n.unit in ("times", "fraction"):
            comparison = _HEDGE_OF_COMPARISON.search(text, max(clause_start, n.start - 40), n.start)
            if comparison:
                return HEDGE_WORDS[comparison["h"] or comparison["h2"]]
        return "about" if n.vague else "none"


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 3000000000000, 0.5, 4.8."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fraction(start: int, end: int, numerator: int, denominator: int) -> Number:
    written = f"{numerator}/{denominator}"
    return Number(start, end, parse_decimal(written), "fraction", written=written)


def _unit_of(word: str) -> Unit:
    if word == "大":
        return "count"
    return _UNITS.get(word.lower().strip(), "count")  # type: ignore[return-value]


@functools.lru_cache(maxsize=4096)
def chinese_number(numeral: str) -> Decimal | None:
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


def english_number(word: str) -> int | None:
    """twelve → 12, twenty-five → 25, tripling → 3; None for a word that is not a number."""
    if "-" in word:
        tens, _, units = word.partition("-")
        if tens in _EN_NUMBERS and units in _EN_NUMBERS:
            return _EN_NUMBERS[tens] + _EN_NUMBERS[units]
        return None
    return _EN_NUMBERS.get(word)
