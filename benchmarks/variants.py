"""What varies between the benchmark's articles: places, names, figures and extra paragraphs.

Every entry gives the text in each language as the bundled translations write it, so a change
made to the English source is made to the translations too and the catalogues stay correct.
Figures are drawn from values that keep Russian and Belarusian agreement right ("17 проектов",
never "21 проектов"), and thousands are grouped as the translations group them (U+00A0).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

LANGUAGES = ("en", "ru", "be", "kk")

# (en, ru, be, kk) — the dateline place unit.
PLACES = (
    ("Minsk", "Минск", "Мінск", "Минск"),
    ("Astana", "Астана", "Астана", "Астана"),
    ("Almaty", "Алматы", "Алматы", "Алматы"),
    ("Brest", "Брест", "Брэст", "Брест"),
    ("Grodno", "Гродно", "Гродна", "Гродно"),
    ("Gomel", "Гомель", "Гомель", "Гомель"),
    ("Vitebsk", "Витебск", "Віцебск", "Витебск"),
    ("Mogilev", "Могилев", "Магілёў", "Могилев"),
    ("Shymkent", "Шымкент", "Шымкент", "Шымкент"),
    ("Karaganda", "Караганда", "Караганда", "Қарағанды"),
)

# Each pool starts with the name in the bundled article; the translations always use the nominative.
NAMES = (
    (("Timur Zhaxylykov", "Тимур Жаксылыков", "Цімур Жаксылыкаў", "Тимур Жақсылықов"),
     ("Yerlan Abenov", "Ерлан Абенов", "Ерлан Абенаў", "Ерлан Әбенов"),
     ("Askar Nurlanov", "Аскар Нурланов", "Аскар Нурланаў", "Асқар Нұрланов"),
     ("Daniyar Sarsenov", "Данияр Сарсенов", "Даніяр Сарсенаў", "Данияр Сәрсенов")),
    (("Yuri Nikolaichik", "Юрий Николайчик", "Юрый Нікалайчык", "Юрий Николайчик"),
     ("Sergei Kovalenko", "Сергей Коваленко", "Сяргей Каваленка", "Сергей Коваленко"),
     ("Andrei Zhuk", "Андрей Жук", "Андрэй Жук", "Андрей Жук")),
    (("Natalya Yurova", "Наталья Юрова", "Наталля Юрава", "Наталья Юрова"),
     ("Olga Petrova", "Ольга Петрова", "Вольга Пятрова", "Ольга Петрова"),
     ("Irina Sokolova", "Ирина Соколова", "Ірына Сакалова", "Ирина Соколова")),
    (("Marina Lenchevskaya", "Марина Ленчевская", "Марына Ленчэўская", "Марина Ленчевская"),
     ("Tatyana Rudenko", "Татьяна Руденко", "Таццяна Рудэнка", "Татьяна Руденко"),
     ("Svetlana Lukina", "Светлана Лукина", "Святлана Лукіна", "Светлана Лукина")),
)

# Counts after which Russian and Belarusian take the genitive plural, as "17 проектов" does.
PLURAL_SAFE = tuple(n for n in range(5, 60) if n % 100 in range(11, 20) or n % 10 in (0, 5, 6, 7, 8, 9))
# Hundreds that end in "жүз" when read in Kazakh, so the suffix "-ден" stays right.
HUNDREDS = tuple(n for n in range(1100, 3000, 100) if n % 1000)


@dataclass(frozen=True)
class Figure:
    """A number in its context, e.g. "implement {} breakthrough", in every language."""

    contexts: tuple[str, str, str, str]
    original: int
    choices: tuple[int, ...]


FIGURES = (
    Figure(("implement {} breakthrough", "реализовать {} прорывных", "рэалізаваць {} прарыўных", "{} серпінді"),
           17, PLURAL_SAFE),
    Figure(("As many as {} major", "целых {} крупных", "ажно {} буйных", "бойынша {} ірі"), 11, PLURAL_SAFE),
    Figure(("${} million", "{} млн долларов", "{} млн долараў", "{} млн доллардан"), 200, tuple(range(120, 400, 10))),
    Figure(("over {} jobs", "более {} рабочих", "звыш {} працоўных", "{}-ден астам"), 1500, HUNDREDS),
    Figure(("only {}%", "лишь {}%", "толькі {}%", "небәрі {}%-ын"), 5, tuple(range(3, 10))),
    Figure(("up to {} billion", "до {} млрд", "да {} млрд", "{} млрд-қа"), 2, tuple(range(1, 6))),
    Figure(("on {} October 2024", "на {} октября", "на {} кастрычніка", "жылғы {} қазанда"), 6, tuple(range(1, 29))),
)

# Paragraphs that are not in the bundled article, with their translations; {} is a figure.
EXTRA_PARAGRAPHS = (
    (("Trade between Kazakhstan and Belarus reached ${} million last year.",
      "Товарооборот между Казахстаном и Беларусью в прошлом году достиг {} млн долларов.",
      "Тавараабарот паміж Казахстанам і Беларуссю ў мінулым годзе дасягнуў {} млн долараў.",
      "Өткен жылы Қазақстан мен Беларусь арасындағы тауар айналымы {} млн долларға жетті."),
     tuple(range(700, 1500, 10))),
    (("The sides agreed to open {} joint training centres within three years.",
      "Стороны договорились открыть {} совместных учебных центров в течение трех лет.",
      "Бакі дамовіліся адкрыць {} сумесных навучальных цэнтраў на працягу трох гадоў.",
      "Тараптар үш жыл ішінде {} бірлескен оқу орталығын ашуға келісті."),
     PLURAL_SAFE),
    (("More than {} Kazakh students are currently studying at Belarusian universities.",
      "В настоящее время в белорусских вузах обучаются более {} казахстанских студентов.",
      "Цяпер у беларускіх установах вышэйшай адукацыі навучаюцца больш за {} казахстанскіх студэнтаў.",
      "Қазіргі уақытта Беларусь жоғары оқу орындарында {}-ден астам қазақстандық студент оқиды."),
     HUNDREDS),
    (("According to the embassy, {} Belarusian companies already operate in Kazakhstan.",
      "По данным посольства, в Казахстане уже работают {} белорусских компаний.",
      "Паводле звестак пасольства, у Казахстане ўжо працуюць {} беларускіх кампаній.",
      "Елшілік деректеріне сәйкес, Қазақстанда қазірдің өзінде {} белорус компаниясы жұмыс істейді."),
     tuple(range(300, 900, 10))),
    (("The next meeting of the intergovernmental commission will discuss {} joint investment projects.",
      "На следующем заседании межправительственной комиссии обсудят {} совместных инвестиционных проектов.",
      "На наступным пасяджэнні міжурадавай камісіі абмяркуюць {} сумесных інвестыцыйных праектаў.",
      "Үкіметаралық комиссияның келесі отырысында {} бірлескен инвестициялық жоба талқыланады."),
     PLURAL_SAFE),
)

# Words of those paragraphs that Hunspell's dictionaries lack (Debian hunspell-be 1.1, hunspell-kk
# 1.1), each right: a desk keeps such words in its word list.
EXTRA_WORDS = {"ru": (), "be": ("казахстанскіх",), "kk": ("Тараптар", "компаниясы", "Үкіметаралық")}


def number(value: int, lang: str) -> str:
    """A figure written as the translations write it: 1,500 in English; in Russian, Belarusian and
    Kazakh four digits solid (1500) and longer figures grouped with U+00A0 (15 000)."""
    grouped = f"{value:,}"
    if lang == "en":
        return grouped
    return str(value) if value < 10_000 else grouped.replace(",", "\xa0")


@dataclass(frozen=True)
class Variant:
    """How one generated article differs from the bundled one."""

    place: tuple[str, str, str, str]
    names: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (original, replacement) per language
    figures: tuple[tuple[Figure, int], ...]
    dropped: frozenset[int]  # paragraph indexes
    added: tuple[tuple[int, int, int], ...]  # (position, extra paragraph index, figure)

    def substitute(self, text: str, lang: str) -> str:
        """The bundled article's text (source or translation) as this variant says it."""
        i = LANGUAGES.index(lang)
        for original, replacement in self.names:
            text = text.replace(original[i], replacement[i])
        for figure, value in self.figures:
            context = figure.contexts[i]
            text = text.replace(context.format(number(figure.original, lang)), context.format(number(value, lang)))
        return text

    def extras(self, lang: str) -> list[tuple[int, str]]:
        """The added paragraphs in `lang`, with the position each goes to."""
        i = LANGUAGES.index(lang)
        return [(pos, EXTRA_PARAGRAPHS[extra][0][i].format(number(value, lang))) for pos, extra, value in self.added]


def choose(rng: random.Random, paragraphs: int, names: tuple = NAMES, figures: tuple = FIGURES) -> Variant:
    """A random variant of an article with `paragraphs` paragraphs; the first one is always kept.

    `names` and `figures` are the pools and figures that may change (by default all of them)."""
    names = tuple((pool[0], rng.choice(pool)) for pool in names)
    figures = tuple((f, rng.choice(f.choices)) for f in figures if rng.random() < 0.7)
    dropped = frozenset(rng.sample(range(1, paragraphs), rng.randint(0, 3)))
    extras = rng.sample(range(len(EXTRA_PARAGRAPHS)), rng.randint(0, 2))
    added = tuple((rng.randint(1, paragraphs - len(dropped)), e, rng.choice(EXTRA_PARAGRAPHS[e][1])) for e in extras)
    return Variant(rng.choice(PLACES), names, figures, dropped, added)
