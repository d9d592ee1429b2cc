"""Numbers as people write them: scale words, unit words, and one typed amount parsed.

Shared by :mod:`kg.trace` (a figure a person types: ``$109.1B``, ``1091亿美元``) and
:mod:`kg.extract` (figures in running text). Only the standard library is imported here, so
that both stay fast to start.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

#: The units that are currencies.
CURRENCIES = frozenset(("USD", "CNY", "EUR", "GBP", "JPY", "HKD", "KRW"))

#: Scale words a person may write after a number, in English or Chinese (keys in lower case).
SCALES = {
    "thousand": 10**3, "k": 10**3, "千": 10**3,
    "million": 10**6, "mn": 10**6, "m": 10**6, "百万": 10**6,
    "billion": 10**9, "bn": 10**9, "b": 10**9, "十亿": 10**9,
    "trillion": 10**12, "tn": 10**12, "trn": 10**12, "t": 10**12,
    "万": 10**4, "十万": 10**5, "千万": 10**7,
    "亿": 10**8, "百亿": 10**10, "千亿": 10**11, "万亿": 10**12,
}  # fmt: skip

#: Unit words (keys in lower case) → the unit codes of :data:`kg.models.Unit`. ¥ is the yuan here; an
#: English text's ¥ is the yen (kg.extract decides by the text's language).
UNITS = {
    "$": "USD", "usd": "USD", "us$": "USD", "dollars": "USD", "dollar": "USD", "美元": "USD", "美金": "USD",
    "¥": "CNY", "￥": "CNY", "cny": "CNY", "rmb": "CNY", "yuan": "CNY", "元": "CNY", "元人民币": "CNY",
    "人民币": "CNY",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "欧元": "EUR",
    "£": "GBP", "gbp": "GBP", "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "英镑": "GBP",
    "jpy": "JPY", "yen": "JPY", "日元": "JPY", "日圆": "JPY",
    "hk$": "HKD", "hkd": "HKD", "港元": "HKD", "港币": "HKD",
    "₩": "KRW", "krw": "KRW", "韩元": "KRW",
    "%": "percent", "％": "percent", "percent": "percent", "per cent": "percent", "pct": "percent",
    "percentage point": "percentage-point", "percentage points": "percentage-point", "pp": "percentage-point",
    "个百分点": "percentage-point", "百分点": "percentage-point",
    "basis point": "basis-point", "basis points": "basis-point", "bp": "basis-point", "bps": "basis-point",
    "个基点": "basis-point", "基点": "basis-point",
    "gw": "GW", "gigawatt": "GW", "gigawatts": "GW", "吉瓦": "GW",
    "mw": "MW", "megawatt": "MW", "megawatts": "MW", "兆瓦": "MW",
    "kw": "kW", "kilowatt": "kW", "kilowatts": "kW", "千瓦": "kW",
    "twh": "TWh", "terawatt-hours": "TWh", "terawatt hours": "TWh", "terawatt-hour": "TWh", "terawatt hour": "TWh",
    "太瓦时": "TWh",
    "gwh": "GWh", "gigawatt-hours": "GWh", "gigawatt hours": "GWh", "gigawatt-hour": "GWh", "gigawatt hour": "GWh",
    "吉瓦时": "GWh",
    "mwh": "MWh", "megawatt-hours": "MWh", "megawatt hours": "MWh", "megawatt-hour": "MWh", "megawatt hour": "MWh",
    "兆瓦时": "MWh",
    "kwh": "kWh", "kilowatt-hours": "kWh", "kilowatt hours": "kWh", "kilowatt-hour": "kWh", "kilowatt hour": "kWh",
    "千瓦时": "kWh",
    "x": "times", "×": "times", "times": "times", "倍": "times", "fold": "times", "-fold": "times",
    "个": "count", "条": "count", "家": "count", "台": "count", "项": "count", "座": "count", "名": "count",
    "位": "count", "款": "count", "次": "count", "篇": "count", "部": "count", "架": "count", "种": "count",
    "所": "count", "笔": "count", "颗": "count", "枚": "count", "辆": "count", "艘": "count", "大": "count",
    "人": "count",
}  # fmt: skip

# Possessive quantifiers (*+, ?+) never give back what they matched: with plain ones a run of
# spaces could be shared three ways between the \s* and the unit, and "1" + 3,200 spaces + "!"
# took more than a minute to fail. Each part here is matched one way or not at all.
_NUMBER = re.compile(
    r"^(?P<pre>[$¥€£₩]|us\$|hk\$)?+\s*+(?P<num>\d[\d,]*+(?:\.\d++)?+)\s*+"
    r"(?P<scale>万亿|千亿|百亿|十亿|千万|百万|thousand|million|billion|trillion|mn|bn|tn|[kmbt万亿](?![a-z])|千(?![瓦克米]))?+"
    r"\s*+(?P<unit>[a-z%$€¥£₩\u4e00-\u9fff -]*+)$",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Fold full-width forms, case and spacing: ``１０９１亿 美元`` → ``1091亿美元``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", "", folded)


def parse_amount(text: str) -> tuple[Decimal, str | None] | None:
    """A typed number with its scale and unit: ``$109.1B`` → (109100000000, USD); None if not a number."""
    match = _NUMBER.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    try:
        value = Decimal(match["num"].replace(",", ""))
    except InvalidOperation:
        return None
    if match["scale"]:
        value *= SCALES[match["scale"].lower()]
    unit_word = (match["unit"] or "").strip().lower()
    unit = UNITS.get(unit_word) or (UNITS.get(match["pre"].lower()) if match["pre"] else None)
    if unit_word and unit is None:
        unit = UNITS.get(unit_word.split()[0])
        if unit is None and unit_word not in ("", "of"):
            return None
    return value.normalize(), unit
