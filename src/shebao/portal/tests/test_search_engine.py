"""The search engine on its own: no database, built from the catalog YAML file."""

from __future__ import annotations

import pytest
from django.conf import settings

from shebao.catalog.loader import parse_catalog
from shebao.portal.search import QueryError, SearchEngine, highlight_segments, validate_query
from shebao.portal.search.knowledge import load_knowledge, parse_knowledge
from shebao.portal.search.text import normalize


@pytest.fixture(scope="module")
def catalog_data() -> dict:
    return parse_catalog(settings.SHEBAO_CATALOG_FILE).data


@pytest.fixture(scope="module")
def engine(catalog_data) -> SearchEngine:
    cats = {c["code"]: c["name"] for c in catalog_data["categories"]}
    return SearchEngine(catalog_data["items"], categories=cats)


def top(engine, q: str) -> int | None:
    out = engine.search(q)
    return out.results[0].no if out.results else None


# -- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("年满六十周岁", "年满60岁"),
        ("男年满五十五周岁", "男年满55岁"),
        ("在井下干了十年", "在井下干了10年"),
        ("今年60了", "今年60岁了"),
        ("ＳＨＥＢＡＯＫＡ　补办！", "shebaoka 补办"),
        ("一次性支付", "一次性支付"),
        ("掌上12333", "掌上12333"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, "", "   ", "\t\n", "社" * 101, 42])
def test_validate_query_refuses_with_chinese_message(bad):
    with pytest.raises(QueryError) as exc:
        validate_query(bad)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


def test_validate_query_strips_and_accepts_100_characters():
    assert validate_query("  社保卡  ") == "社保卡"
    assert validate_query("社" * 100) == "社" * 100


# -- how questions are read ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, no",
    [
        ("社保卡丢了咋办", 40),
        ("失业金怎么领", 37),
        ("城居保怎么参保", 11),
        ("老农保能退钱吗", 21),
        ("刷脸认证", 3),
        ("工亡待遇", 34),
        ("病退需要什么条件", 6),
        ("在井下干了十年能提前退休吗", 5),
        ("65岁了补充养老金怎么领", 19),
        ("职业年金转移", 26),
    ],
)
def test_everyday_words_find_the_item(engine, q, no):
    assert top(engine, q) == no


@pytest.mark.parametrize(
    "q, no, reading",
    [
        ("shebaoka buban", 40, "社保卡"),
        ("shiyejin", 37, "失业金"),
        ("laonongbao tuibao", 21, "老农保"),
    ],
)
def test_pinyin(engine, q, no, reading):
    out = engine.search(q)
    assert out.results[0].no == no
    assert any(reading in u for u in out.understood)


def test_pinyin_initials(engine):
    assert top(engine, "syj") == 37
    assert {h.no for h in engine.search("sbk").results[:2]} == {39, 40}
    assert top(engine, "sbk补办") == 40


@pytest.mark.parametrize(
    "q, no, word",
    [
        ("社宝卡补办", 40, "社保卡"),
        ("事业金怎么领", 37, "失业金"),
        ("工商保险参保登记", 30, "工伤保险"),
        ("城居宝参保", 11, "城居保"),
        ("被正地养老金", 20, "被征地"),
    ],
)
def test_homophone_typos(engine, q, no, word):
    out = engine.search(q)
    assert out.results[0].no == no
    assert any(word in u.split("→")[1] for u in out.understood), out.understood


def test_real_words_are_not_taken_for_typos(engine):
    # 事业 (单位) sounds like 失业 but is a word of its own; 养老保险怎(么) is not 养老保险费.
    assert engine.search("事业单位退休养老金怎么核定").understood == ()
    assert engine.search("城乡居民养老保险怎么恢复缴费").understood == ()
    assert top(engine, "事业单位退休养老金怎么核定") == 28


def test_situation_words_tell_the_death_items_apart(engine):
    assert top(engine, "退休老人去世了丧葬费怎么领") == 9
    assert top(engine, "企业职工在职期间去世了家属能领什么") == 8
    assert top(engine, "农村老人去世了城乡居民养老保险怎么注销") == 21
    assert top(engine, "事业单位职工在职去世了个人账户怎么结算") == 27
    assert top(engine, "工人上班出事故死了家属能领什么") == 34


def test_negation_is_respected_in_item_texts(engine):
    # Item 8's conditions say 非因工死亡: that must not make it an answer to 因工死亡.
    out = engine.search("因工死亡")
    assert out.results[0].no == 34


# -- out of scope ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, place",
    [
        ("医保怎么报销", "医疗保障局"),
        ("公积金怎么提取", "住房公积金管理中心"),
        ("身份证丢了怎么补办", "公安机关"),
        ("低保怎么申请", "民政"),
        ("营业执照怎么办", "市场监督管理"),
        ("个税怎么申报", "税务"),
        ("gongjijin tiqu", "住房公积金管理中心"),
    ],
)
def test_out_of_scope_names_the_place(engine, q, place):
    out = engine.search(q)
    assert out.out_of_scope is True
    assert out.results == ()
    assert place in out.out_of_scope_hint


@pytest.mark.parametrize(
    "q, no",
    [
        ("工伤住院花的钱怎么报", 34),  # 报销, but of a work injury
        ("低保户参加城乡居民养老保险", 11),  # 低保, but about enrolment
        ("城乡居民养老保险身份证号变了", 13),  # 身份证, but the pension record
        ("户口迁到外县了城乡居民养老保险怎么转", 16),
        ("医保卡丢了", 40),  # the social security card doubles as the medical insurance card
    ],
)
def test_in_scope_despite_an_out_of_scope_word(engine, q, no):
    out = engine.search(q)
    assert out.out_of_scope is False
    assert out.results[0].no == no


@pytest.mark.parametrize("q", ["快递丢了怎么办", "手机坏了去哪修", "我想吃火锅", "钥匙丢了怎么补办"])
def test_generic_words_alone_are_no_answer(engine, q):
    out = engine.search(q)
    assert out.out_of_scope is True
    assert out.results == ()
    assert "阳城县社会保险中心" in out.out_of_scope_hint


@pytest.mark.parametrize("q", ["社保", "养老保险", "退休", "工伤"])
def test_vague_domain_questions_are_unsure_not_foreign(engine, q):
    out = engine.search(q)
    assert out.out_of_scope is False
    assert out.unsure is True
    assert out.results


# -- suggestions, matched words ------------------------------------------------------------------


def test_unsure_answers_offer_one_to_three_suggestions(engine):
    out = engine.search("社保卡")
    assert out.unsure
    assert 1 <= len(out.suggestions) <= 3
    assert {s.no for s in out.suggestions} == {39, 40}


def test_confident_answers_offer_no_suggestions(engine):
    out = engine.search("社保卡丢了咋办")
    assert not out.unsure
    assert out.suggestions == ()


def test_matched_words_are_words_of_the_item(engine, catalog_data):
    by_no = {i["no"]: i for i in catalog_data["items"]}
    for q in ["社保卡丢了咋办", "失业金怎么领", "我爸去世了账户里的钱怎么领", "城居保怎么参保", "刷脸认证"]:
        for hit in engine.search(q).results[:3]:
            assert hit.matched, (q, hit)
            item = by_no[hit.no]
            texts = normalize(
                " ".join(
                    [item["name"], item["list_name"], item.get("summary", ""), item.get("conditions") or "",
                     *item.get("keywords", []),
                     *(g.get("scenario") or "" for g in item["material_groups"]),
                     *(m["name"] for g in item["material_groups"] for m in g["materials"])]
                )
            ).replace(" ", "")
            for word in hit.matched:
                assert word.replace(" ", "") in texts, (q, hit.no, word)


def test_results_are_best_first_and_shaped_for_the_api(engine):
    body = engine.search("我爸去世了账户里的钱怎么领").as_dict()
    assert set(body) >= {"results", "out_of_scope", "out_of_scope_hint", "suggestions"}
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert {r["no"] for r in body["results"][:4]} & {8, 9, 21, 27}
    for r in body["results"]:
        assert set(r) == {"no", "name", "score", "matched"}


def test_highlight_segments():
    assert highlight_segments("社会保障卡补换卡办理", ["补换卡", "社会保障卡"]) == [
        ("社会保障卡补换卡", True),
        ("办理", False),
    ]
    assert highlight_segments("失业保险待遇核定给付", ["待遇"]) == [
        ("失业保险", False),
        ("待遇", True),
        ("核定给付", False),
    ]
    assert highlight_segments("", ["x"]) == []


# -- knowledge as data ---------------------------------------------------------------------------


def test_knowledge_tables_load_and_cover_the_brief():
    kn = load_knowledge()
    for variant in ["城居保", "老农保", "失业金", "退休金", "刷脸认证", "提退", "社保卡丢了"]:
        assert any(variant in v for v in kn.literal) or kn.expand(normalize(variant)), variant
    for q in ["医保报销", "公积金", "身份证丢了", "低保", "营业执照", "个税", "房产证"]:
        assert kn.out_of_scope_topic(normalize(q)) is not None, q


def test_a_topic_without_a_known_place_says_so_plainly():
    kn = parse_knowledge({"synonyms": {}}, {"topics": [{"name": "某某业务", "words": ["某某"]}]})
    topic = kn.out_of_scope_topic("某某怎么办")
    assert topic is not None
    assert topic.hint == "某某业务不属于阳城县社会保险中心的业务，请向相关部门咨询。"


def test_engine_builds_from_minimal_items():
    items = [
        {"no": 1, "name": "社会保障卡补换卡办理", "list_name": "社会保障卡补换卡办理", "keywords": ["补卡"]},
        {"no": 2, "name": "失业保险待遇核定给付", "list_name": "失业保险待遇核定给付"},
    ]
    eng = SearchEngine(items)
    assert eng.search("社保卡丢了").results[0].no == 1
    assert eng.search("失业金").results[0].no == 2
