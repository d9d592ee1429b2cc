"""Who a text names, and where: the actors of the dataset, and new names that could be actors.

Known actors are found by their labels and aliases (in either script: the text is matched in
Simplified characters), the longest name first. New names are candidates a reviewer accepts or not:

- English: runs of capitalised words (Blue Owl Capital Inc., JPMorgan Chase & Co., Citadel Securities,
  Pimco), without corporate suffixes, possessives, titles (CEO, Commissioner) or a sentence's
  capitalised first word when that word is no name (Investors are split; Globally, …);
- Chinese: organisation names ending 公司, 集团, 银行, 资本, 基金, 证券, 保险, 控股, 研究院, 大学,
  交易所, 委员会 … (cut at the particle or verb before them, generic ones like 科技公司 left out), a
  name with its English form in brackets (太平洋投资管理公司(Pimco), 扎克伯格(Mark Zuckerberg)), and
  Latin names inside Chinese text (Blue Owl Capital, Hyperion, xAI).

Each new name gets an id (a slug of its English label), a label as written and a type guessed
from its suffix, title or context (company, investor, fund, government, research, media, person,
region).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.extract.lexicon import render_trie, trie_of, words
from kg.extract.numbers import NOT_NAMES
from kg.extract.text import Document, normalise
from kg.models import Actor, ActorType, Label

DEFAULT_ACTORS = Path(__file__).resolve().parent.parent.parent / "data" / "actors.yaml"


@dataclass(frozen=True)
class Mention:
    """A name at [start, end) of the text: a known actor's id, or a new name's proposed id."""

    start: int
    end: int
    actor: str
    weak: bool  # a sector, a group of people or a two-character alias (国家, AI): a subject of last resort
    new: bool = False


# -- known actors


class Gazetteer:
    """The actors' labels and aliases, found in a text longest name first."""

    def __init__(self, actors: Iterable[Actor]):
        self.actors = {a.id: a for a in actors}
        self._names: dict[str, tuple[str, bool]] = {}
        for actor in self.actors.values():
            weak_type = actor.type in ("sector", "people")
            labels = [(name, True) for name in (actor.label.zh, actor.label.en) if name]
            for name, is_label in [*labels, *((a, False) for a in actor.aliases)]:
                key = normalise(name.strip()).casefold()
                if len(key) < 2 or key in self._names:
                    continue
                short_alias = not is_label and len(key) <= 2 and not key.isascii()
                self._names[key] = (actor.id, weak_type or short_alias or key in _GENERIC_NAMES)
        for name, actor_id in _DEMONYMS.items():  # Chinese AI groups, 我国: the country is named
            if actor_id in self.actors and name not in self._names:
                self._names[name] = (actor_id, False)
        self.pattern = re.compile(_trie_pattern(sorted(self._names))) if self._names else None

    def mentions(self, norm: str) -> list[Mention]:
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(norm):
            if norm.startswith("$", match.end()):
                continue  # US$18 billion, HK$: a currency, not the country
            actor, weak = self._names[match.group().casefold()]
            found.append(Mention(match.start(), match.end(), actor, weak))
        return found

    def known(self, name: str) -> str | None:
        """The id of the actor with this exact label or alias, if any."""
        entry = self._names.get(normalise(name.strip()).casefold())
        return entry[0] if entry else None


#: Aliases so common in running text that they name a subject only when nothing else does.
_GENERIC_NAMES = {"ai", "vc", "pe", "global", "世界", "人工智能", "国家", "数据中心", "data centres"}
#: Adjectives of countries and regions (and 我国, "our country" in the Chinese press): names of their actor.
_DEMONYMS = {
    "globally": "world", "worldwide": "world",
    "chinese": "china", "我国": "china", "american": "united-states", "european": "europe",
    "british": "united-kingdom", "japanese": "japan", "canadian": "canada",
}  # fmt: skip


def _trie_pattern(names: Sequence[str]) -> str:
    """One regex for many names, as a trie (fast), longest first; Latin names match whole words, any case."""
    trie = trie_of(names)
    # Latin letters match in any case; a name that starts or ends with one must not touch another.
    first = {c for name in names for c in (name[0], name[0].upper())}
    latin = "".join(sorted(re.escape(c) for c in first if c.isascii() and c.isalnum()))
    other = "".join(sorted(re.escape(c) for c in first if not (c.isascii() and c.isalnum())))
    alternatives = []
    if other:
        alternatives.append(f"(?=[{other}])(?i:(?![a-z0-9])" + render_trie(_ascii_only(trie, False)) + ")")
    if latin:
        body = render_trie(_ascii_only(trie, True))
        alternatives.append(f"(?<![A-Za-z0-9])(?=[{latin}])(?i:" + body + r"(?![a-z0-9]))")
    return "|".join(alternatives)


def _ascii_only(trie: dict[str, Any], latin_first: bool) -> dict[str, Any]:
    return {c: n for c, n in trie.items() if c and (c.isascii() and c.isalnum()) == latin_first}


@functools.lru_cache(maxsize=8)
def gazetteer(actors: tuple[Actor, ...]) -> Gazetteer:
    return Gazetteer(actors)


@functools.lru_cache(maxsize=1)
def default_actors() -> tuple[Actor, ...]:
    """The actors of the project's own dataset (data/actors.yaml)."""
    data = yaml.safe_load(DEFAULT_ACTORS.read_text(encoding="utf-8"))
    return tuple(Actor.model_validate(a) for a in data["actors"])


# -- new names

_WORD = r"(?:[A-Z][A-Za-z0-9&’'.-]*[A-Za-z0-9]|[A-Z]|[a-z]{1,3}[A-Z][A-Za-z0-9]*)"
#: At most six words a name: a run of capitals (a title, a table) is read as several.
_EN_NAME = re.compile(rf"(?<![A-Za-z0-9’'&-]){_WORD}(?:\s(?:of\s|for\s|de\s|&\s)?{_WORD}){{0,5}}(?:\s&\s?Co\.?)?")
_CORPORATE = re.compile(r"(?:,?\s(?:Inc|Corp|Co|Ltd|LLC|PLC|LP|L\.P|AG|SA|NV|SE)\.?|\s&\s?Co\.?)+$")
_POSSESSIVE = re.compile(r"[’']s?(?=\s|$)")
_TITLES = words(
    "CEO CFO COO CTO Chief Executive President Chairman Chairwoman Commissioner Gov Governor Senator Sen "
    "Rep Mr Mrs Ms Dr Prof Minister Secretary Director Founder Analyst Strategist Economist"
)
_MONTH_AND_DAY = words(
    "January February March April May June July August September October November December Jan Feb Mar "
    "Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
)
#: Capitalised words that are units or abbreviations, not names.
_NOT_A_NAME = words(
    "ai tl;dr gw mw kw twh gwh mwh kwh gb tb usd eur cny rmb gbp jpy hkd krw twd bps bp pp ceo cfo q1 q2 "
    "q3 q4 h1 h2 fy yoy ipo etf etfs treasuries german french british american chinese japanese european "
    "korean indian taiwanese asian"
)
_STATE_OR_COUNTRY = words(
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii "
    "Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan "
    "Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee "
    "Texas Utah Vermont Virginia Washington Wisconsin Wyoming India Germany France Italy Spain Korea "
    "Taiwan Singapore Australia Brazil Mexico Israel Saudi Arabia UAE Qatar Indonesia Malaysia Vietnam "
    "Thailand Netherlands Sweden Norway Ireland Switzerland"
)
#: A verb after a sentence's first word that makes that word a name: "Pimco is", "Hyperion will".
_SAYS = re.compile(r"\s(?:reports?|reported|said|says|estimates?|noted)(?![A-Za-z])")
_NAME_VERB = re.compile(
    r"\s?,|\s(?:is|was|has|had|will|would|said|says|reports|reported|reportedly|plans|planned|announced|raised|agreed|expects"
    r"|led|owns|signed|bought|sold|invested|issued|spent|could|can|also|,)(?![A-Za-z])"
)
_TYPE_WORDS: tuple[tuple[ActorType, str], ...] = (
    ("investor", "Capital Partners Ventures Management Investments Investment Asset Advisors Equity Securities Credit"),
    ("investor", "Holdings Bank Bancorp Financial"),
    ("fund", "Fund Funds Trust"),
    ("government", "Commission Agency Ministry Department Government Council Authority Administration Congress"),
    ("government", "Senate Parliament Treasury Regulator Board"),
    ("research", "University Institute Laboratory Lab Labs Academy Center Centre School"),
    ("media", "Times Journal Post News Reuters Bloomberg Daily Herald Telegraph Economist Insider Wire Press Media"),
    ("region", "Parish County State City Province District"),
    ("company", "Inc Corp Co Ltd LLC PLC Platforms Technologies Systems Energy Power Electric Group"),
)
#: The last word of a name → its type: Blue Owl Capital is an investor, Financial Times a news outlet.
_TYPE_BY_WORD: dict[str, ActorType] = {word: kind for kind, text in _TYPE_WORDS for word in text.split()}

_ZH_STRONG_SUFFIX = (
    "公司|集团|银行|证券|控股|研究院|研究所|大学|交易所|委员会|管理局|基金会|实验室|事务所|电视台|日报|通讯社"
)
_ZH_WEAK_SUFFIX = "资本|基金|资管|保险|科技|能源|电力"
#: A weak suffix ends a name only before a particle, a verb or no Chinese at all (not 资本支出, 科技股).
_ZH_AFTER_NAME = "的和与及将在已也为是于对向从等称表宣计预发获完共正仍还则旗以被今近日"
_ZH_ORG = re.compile(rf"(?:{_ZH_STRONG_SUFFIX})|(?:{_ZH_WEAK_SUFFIX})(?=[^\u4e00-\u9fff]|[{_ZH_AFTER_NAME}])")
_ZH_STOP = set(
    "的了与和及由向对在从据被为是将其该这那把让给等已也都还并就而或以于至到称说所各多由后前中内外上下将会要使令让"
)
_ZH_MODIFIER = re.compile(
    r"^(?:国内|国外|国际|全球|大型|多家|各大|其他|部分|主要|这家|那家|一家|旗下|大量|许多|知名|头部|龙头)+"
)
_ZH_GENERIC = words(
    "科技 互联网 保险 投资 资产管理 基础设施 私募 上市 子 母 风险投资 创业 初创 能源 电力 金融 芯片 半导体 云计算"
    " 人工智能 资管 证券 信托 商业 国有 民营 外资 美国科技 中国科技 全球科技 贷款 放贷 融资 评级 咨询 会计师 律师"
)
_ZH_TYPE: dict[str, ActorType] = {
    **dict.fromkeys(["公司", "集团", "控股", "科技", "能源", "电力"], "company"),
    **dict.fromkeys(["银行", "证券", "资本", "投资", "资管", "保险"], "investor"),
    **dict.fromkeys(["基金", "基金会"], "fund"),
    **dict.fromkeys(["研究院", "研究所", "大学", "实验室"], "research"),
    **dict.fromkeys(["委员会", "管理局"], "government"),
    **dict.fromkeys(["交易所"], "market"),
    **dict.fromkeys(["电视台", "日报", "通讯社"], "media"),
}  # fmt: skip
_ZH_PLACE = re.compile(r"(?:州|省|市|县|郡|区|岛)$")
#: 太平洋投资管理公司(Pimco), 扎克伯格(Mark Zuckerberg): a Chinese name and its English form.
#: The English form in brackets (Pimco); the Chinese name is the run of characters right before it.
_BILINGUAL = re.compile(r"(?<=[\u4e00-\u9fff])\s?[(（]\s?([A-Z][A-Za-z0-9&.’' -]{1,60}?)\s?[)）]")
_CHINESE_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,12}$")


@dataclass(frozen=True)
class NewName:
    """A name the dataset does not know, as the draft proposes it."""

    id: str
    en: str | None
    zh: str | None
    type: ActorType

    def actor(self) -> Actor:
        return Actor(id=self.id, label=Label(en=self.en, zh=self.zh), type=self.type)


class Names:
    """Every name of a document, known and new, sorted by position; lookups by position are bisections."""

    def __init__(self, doc: Document, actors: Sequence[Actor]):
        self.doc = doc
        self.gazetteer = gazetteer(tuple(actors))
        self.actors = self.gazetteer.actors
        self.new: dict[str, NewName] = {}
        known = self.gazetteer.mentions(doc.norm)
        self._known_starts = [m.start for m in known]
        self._known = known
        self._dropped: set[int] = set()
        new = self._new_names(known)  # drops the weak known names inside longer new ones
        known = [m for m in known if id(m) not in self._dropped]
        found = [*known, *new]
        found.sort(key=lambda m: m.start)
        self.mentions = found
        self.starts = [m.start for m in found]

    # -- lookups

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a name (the 500 of 标普500 is no figure)."""
        index = bisect.bisect_left(self.starts, end)
        return any(m.start < end and start < m.end for m in self.mentions[max(0, index - 3) : index])

    def within(self, start: int, end: int) -> list[Mention]:
        first, last = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return [m for m in self.mentions[first:last] if m.end <= end]

    def before(self, position: int, count: int = 20) -> list[Mention]:
        """The ``count`` names before ``position``, nearest last."""
        index = bisect.bisect_left(self.starts, position)
        return [m for m in self.mentions[max(0, index - count) : index] if m.end <= position]

    def companies_before(self, position: int) -> set[str]:
        """The companies named in the 60 names before ``position``."""
        return {m.actor for m in self.before(position, 60) if self.type_of(m.actor) == "company"}

    def type_of(self, actor: str) -> ActorType | None:
        if actor in self.new:
            return self.new[actor].type
        known = self.actors.get(actor)
        return known.type if known else None

    def label_of(self, actor: str) -> str:
        if actor in self.new:
            return self.new[actor].en or self.new[actor].zh or actor
        known = self.actors.get(actor)
        return known.label.best(self.doc.lang) if known else actor

    def resolve(self, name: str, start: int | None = None) -> str | None:
        """The actor a piece of text names: a known label or alias, a new name, or a name inside it."""
        known = self.gazetteer.known(name)
        if known:
            return known
        key = _key(name)
        for new in self.new.values():
            if key in (_key(new.en or ""), _key(new.zh or "")):
                return new.id
        if start is not None:
            inside = [m for m in self.within(start, start + len(name)) if not m.weak]
            if inside:
                return inside[-1].actor
        return None

    def propose(self, en: str | None, zh: str | None, kind: ActorType) -> str:
        """The id of a new name (made once; the same label gives the same id)."""
        for new in self.new.values():
            if (en and new.en and _key(new.en) == _key(en)) or (zh and new.zh and _key(zh) == _key(new.zh)):
                return new.id
        slug = _slug(en) if en else ""
        base = slug or "actor-" + hashlib.sha1((zh or "").encode("utf-8")).hexdigest()[:8]
        actor_id, number = base, 2
        while actor_id in self.actors or actor_id in self.new:
            actor_id, number = f"{base}-{number}", number + 1
        self.new[actor_id] = NewName(actor_id, en, zh, kind)
        return actor_id

    # -- finding new names

    def _new_names(self, known: list[Mention]) -> list[Mention]:
        candidates = [*self._bilingual(), *self._latin(), *(self._chinese() if self.doc.lang == "zh" else [])]
        found: list[Mention] = []
        for start, end, en, zh, kind in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
            index = bisect.bisect_left(self._known_starts, end)
            overlapping = [m for m in known[max(0, index - 3) : index] if m.start < end and start < m.end]
            held = [m for m in overlapping if start <= m.start and m.end <= end and end - start > m.end - m.start]
            of_known = [m for m in held if re.search(r"\sof\s(?:the\s)?$", self.doc.norm[start : m.start])]
            if any(m not in held or not (m.weak or m in of_known) for m in overlapping):
                continue  # a known name wins, unless a longer new name holds it: Generative AI, Bank of America
            self._dropped |= {id(m) for m in overlapping}
            if found and found[-1].end > start:
                continue
            found.append(Mention(start, end, self.propose(en, zh, kind), weak=False, new=True))
        return self._merged(found)

    def _merged(self, found: list[Mention]) -> list[Mention]:
        """Blue Owl after Blue Owl Capital: the shorter name is the longer one's, when only a suffix differs."""
        by_label = {m.actor: self.new[m.actor] for m in found}
        merged = []
        for mention in found:
            short = by_label[mention.actor]
            longer = next(
                (
                    n for n in by_label.values()
                    if n is not short and short.en and n.en and n.en.startswith(short.en + " ")
                    and n.en[len(short.en) + 1 :].split()[0] in _TYPE_BY_WORD
                ),
                None,
            )  # fmt: skip
            merged.append(Mention(mention.start, mention.end, longer.id, False, True) if longer else mention)
        for unused in {m.actor for m in found} - {m.actor for m in merged}:
            del self.new[unused]  # Blue Owl is Blue Owl Capital's
        return merged

    def _bilingual(self) -> Iterable[tuple[int, int, str | None, str | None, ActorType]]:
        if self.doc.lang != "zh":
            return
        norm = self.doc.norm
        for match in _BILINGUAL.finditer(norm):
            run = _CHINESE_BEFORE.search(norm, max(0, match.start() - 12), match.start())
            zh = _trim_zh(run.group()) if run else ""
            en = _CORPORATE.sub("", match[1].strip())
            if not zh or (en.isupper() and len(en) <= 5) or en.lower() in _NOT_A_NAME:
                continue
            start = match.start() - len(zh)
            yield start, match.end(), en, self.doc.text[start : start + len(zh)], _zh_type(zh, en)

    def _latin(self) -> Iterable[tuple[int, int, str | None, str | None, ActorType]]:
        norm = self.doc.norm
        for match in _EN_NAME.finditer(norm):
            if self.doc.lang == "en" and self.doc.in_heading(match.start()):
                continue  # a headline capitalises every word
            for start, end in _pieces(norm, match.start(), match.end()):
                words = [(w.start() + start, w.group()) for w in re.finditer(r"\S+", norm[start:end])]
                while (
                    words and (w := words[0][1].rstrip(".")) and (w in NOT_NAMES or w in _TITLES or w in _MONTH_AND_DAY)
                ):
                    words = words[1:]
                if not words:
                    continue
                first = words[0][0]
                name = _CORPORATE.sub("", norm[first:end]).rstrip(".,")
                if name and self._is_name(name, first):
                    yield first, first + len(name), name, None, self._en_type(name, first)

    def _is_name(self, name: str, start: int) -> bool:
        if any(c.isdigit() for c in name) or name.lower() in _NOT_A_NAME:
            return False
        if all(part in _MONTH_AND_DAY for part in re.split(r"[-–\s]+", name.replace(".", ""))):
            return False  # October-December, Sept
        if re.match(r"(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Half|Most|Many|Some|All)\s", name):
            return False  # Three of America's largest tech companies: a count, not a name
        if re.fullmatch(r"(?:Series|Round|Tier|Phase|Class)\s[A-Z0-9]{1,2}", name):
            return False  # a Series F round, a Tier 1 bank: no one
        if name.replace(" ", "").isupper() and (len(name) <= 5 or self.doc.lang == "zh"):
            # ORCL, GPU, SPV, CEO: tickers and acronyms; CNBC reports, according to the FT: an outlet
            after = self.doc.norm[start + len(name) : start + len(name) + 12]
            before = self.doc.norm[max(0, start - 16) : start]
            return bool(
                _SAYS.match(after) or re.search(r"(?:according to|as per|citing|per)\s+(?:the\s+)?$", before, re.I)
            )
        if self.doc.lang == "zh" or " " in name or any(c.isupper() for c in name[1:]):
            return True
        _, sentence_start, _ = self.doc.sentence_of(start)
        first_word = start == sentence_start + len(self.doc.text[sentence_start:start]) - len(
            self.doc.text[sentence_start:start].lstrip(' "“‘-•*')
        )
        if not first_word:
            return True
        # a sentence's first word is capitalised anyway: a name only if a verb of a name follows
        return not re.search(r"(?:ly|ing|ed)$", name) and _NAME_VERB.match(self.doc.norm, start + len(name)) is not None

    def _en_type(self, name: str, start: int) -> ActorType:
        words = name.split()
        if name in _STATE_OR_COUNTRY or (words[0] in _STATE_OR_COUNTRY and words[-1] in ("State", "County")):
            return "region"
        for word in reversed(words):
            if word in _TYPE_BY_WORD:
                return _TYPE_BY_WORD[word]
        if re.match(r"-based\b", self.doc.norm[start + len(name) : start + len(name) + 7]):
            return "region"  # the Newport Beach-based manager
        before = self.doc.norm[max(0, start - 24) : start].split()
        titled = bool(before) and before[-1].rstrip(".") in _TITLES
        says = re.match(
            r"\s(?:said|says|stated|told|wrote|added)\b", self.doc.norm[start + len(name) : start + len(name) + 10]
        )
        if 2 <= len(words) <= 3 and (titled or says) and all(w[0].isupper() for w in words):
            return "person"
        return "company"

    def _chinese(self) -> Iterable[tuple[int, int, str | None, str | None, ActorType]]:
        norm = self.doc.norm
        for match in _ZH_ORG.finditer(norm):
            start = match.start()
            while (
                start > max(0, match.start() - 10)
                and "\u4e00" <= norm[start - 1] <= "\u9fff"
                and norm[start - 1] not in _ZH_STOP
            ):
                start -= 1
            head = _ZH_MODIFIER.sub("", norm[start : match.start()])
            if re.match(r"[0-9零一二两三四五六七八九十百千几多数]*[家个位名座所]", head):
                continue  # 三家公司: a count of companies, no name
            if len(head) < 2 or any(head.endswith(word) for word in _ZH_GENERIC) or head + match.group() in _ZH_GENERIC:
                continue  # 人工智能初创公司, 美国科技公司, 资产管理公司: a kind of firm, no name
            start = match.start() - len(head)
            zh = self.doc.text[start : match.end()]
            yield start, match.end(), None, zh, _ZH_TYPE.get(match.group(), "company")


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run of capitalised words cut where a possessive or a "-led" ends a name (OpenAI’s Abilene)."""
    pieces, first = [], start
    for match in re.finditer(r"[’']s?(?=\s|$)|-(?:led|based|backed|owned|run)\b", text[start:end]):
        pieces.append((first, start + match.start()))
        first = start + match.end() + 1
    pieces.append((first, end))
    return [(a, b) for a, b in pieces if b > a]


def _trim_zh(name: str) -> str:
    """A Chinese name cut at the last particle or verb before it (最终由太平洋… → 太平洋…)."""
    cut = max((i for i, c in enumerate(name) if c in _ZH_STOP), default=-1)
    return _ZH_MODIFIER.sub("", name[cut + 1 :])


def _zh_type(zh: str, en: str) -> ActorType:
    for suffix, kind in _ZH_TYPE.items():
        if zh.endswith(suffix):
            return kind
    if _ZH_PLACE.search(zh):
        return "region"
    if 2 <= len(zh) <= 5 and len(en.split()) in (2, 3):
        return "person"  # 扎克伯格(Mark Zuckerberg)
    return "company"


def _key(name: str) -> str:
    return "".join(normalise(name).casefold().split())


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-")
