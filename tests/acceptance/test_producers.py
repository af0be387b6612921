"""Real producer output read back: jieba 0.42.1, THULAC 0.2.2 and jiagu 0.2.3, run exactly as
users run them.

- jieba:  `" ".join(f"{w}/{f}" for w, f in jieba.posseg.cut(text))`  (configs/jieba.cfg)
- THULAC: `thulac.thulac().cut(text, text=True)`                     (configs/thulac.cfg)
- jiagu:  `words = jiagu.seg(text)`;
          `" ".join(f"{w}/{t}" for w, t in zip(words, jiagu.pos(words)))` (configs/jiagu.cfg)

Producers that cannot run here (spaCy's zh_core_web models, CoreNLP, LAC need downloads or
PaddlePaddle) are checked on examples written by hand in the shape their documented snippet
writes (docs/tagsets-today.md), at the end of this file.

For each raw text, reading the producer's joined output must give back the raw text
(`doc.text`), the producer's words (`[t.text for t in doc]`) and its tags (`t.tag_`).

What the producers write (checked on jieba 0.42.1 and thulac 0.2.2):

- jieba keeps every character. Each whitespace character is its own word tagged `x`
  (`"a  b"` -> `a/x  /x  /x b/x`); `\\r\\n` is one word. Joined with " ", a space word shows
  as an empty-word item after the extra space (`open/eng  /x 平台/n`), and a line-break word
  as a line that starts with `/x` (`第一行/m \\n/x 第二行/m`: the line before it ends with the
  item separator).
- THULAC writes its lines joined by a bare line break (no item); in its token list the break
  is `["\\n", ""]`, which the reader gives as a whitespace token tagged `_SP`. A space word
  is an empty-word item like jieba's (`open_x  _j 平台_n`), with a tag the model guesses
  (p, g, j, n, v, ...). It loses some characters and glues some whitespace to words; the
  texts concerned are left out of the round trip below (THULAC_LOSSY, THULAC_GLUED).

These tests pass `item_separator=" "` explicitly (one space between items, any further
whitespace is text), so they do not depend on what configs/*.cfg set.
"""
import pytest

from spacy_pretagged.formats.records import SPACE_TAG
from tests.helpers import pipeline

# Runs the real jieba and THULAC taggers (model loading takes seconds).
pytestmark = pytest.mark.slow

# Raw texts as a user would feed them to the tagger.
TEXTS = [
    # plain Chinese
    "我爱北京天安门",
    "我爱北京。\n天安门上太阳升。",
    # Chinese + ASCII Latin words and digits
    "我用iPhone 15和open 平台",
    "微信5.0内测，3.14和100%，2024年iPhone15发布",
    # one, two and three spaces between words
    "我 爱",
    "我  爱",
    "我   爱",
    "a b",
    "a  b",
    "a   b",
    # leading and trailing spaces
    " 我爱北京",
    "我爱北京 ",
    " 我爱北京 ",
    "  前面两个空格",
    "后面两个空格  ",
    # tabs
    "我\t爱",
    "我\t\t爱",
    "a\tb",
    "我 \t爱",
    # U+3000 ideographic spaces
    "我\u3000爱",
    "我\u3000\u3000爱",
    "a \u3000b",
    # full-width and ASCII punctuation
    "，。！？、；：“”（）",
    "你好，世界。真的！吗？甲、乙；丙：“丁”（戊）",
    ",.!?()",
    "你好,世界.真的!吗?(戊)",
    "我们 ， 你们",
    # the separators inside the text
    "1/2",
    "一半是1/2。",
    "a_b",
    "变量a_b的值",
    "http://x.com/a_b",
    "访问http://x.com/a_b网站",
    # line breaks
    "第一行\n第二行",
    "第一行\r\n第二行",
    "第一行\n\n第三行",
    "第一行\r\n\r\n第三行",
    "\n开头换行",
    "结尾换行\n",
    "第一行 \n 第二行",
    # nothing
    "",
]

# THULAC texts whose joined output has lost characters of the raw text: doc.text cannot be
# the raw text, so they are not in the THULAC round trip (test_thulac_still_loses pins the
# loss, so a THULAC that stops losing them shows up).
THULAC_LOSSY = {
    # Preprocesser.clean keeps only the first character of a run of ASCII spaces / U+3000
    # (in any mix): the token list itself is short ("".join(words) != text).
    "我  爱": "run of spaces collapsed to one",
    "我   爱": "run of spaces collapsed to one",
    "a  b": "run of spaces collapsed to one",
    "a   b": "run of spaces collapsed to one",
    "  前面两个空格": "run of spaces collapsed to one",
    "后面两个空格  ": "run of spaces collapsed to one",
    "我\u3000\u3000爱": "run of U+3000 collapsed to one",
    "a \u3000b": "U+3000 after a space dropped",
    # cut(text=True) splits on "\n" and drops the "\n" after every EMPTY line and the last
    # one: blank lines, a leading and a trailing line break vanish from the joined output
    # (the token list still has them: "".join(words) == text, the loss is in the text).
    "第一行\n\n第三行": "blank line dropped from text output",
    "\n开头换行": "leading line break dropped from text output",
    "结尾换行\n": "trailing line break dropped from text output",
    # "\r" is not a line break to THULAC: it is glued to the word before it ("行\r_n"), and
    # a CRLF blank line becomes the word "\r" ("\r_p"). "".join(words) == text, but the
    # output has a "\r" inside an item, which every line-based reader (ours: "\n", "\r\n"
    # and a lone "\r" are line breaks) must split: the word "行\r" cannot come back.
    "第一行\r\n第二行": "\\r glued to the previous word",
    "第一行\r\n\r\n第三行": "\\r glued to the previous word",
}

# THULAC glues a tab to a neighbouring word ("\t爱_v", "a\tb_n"): no character is lost
# ("".join(words) == text), but the word starts with / contains whitespace. Whether
# `item_separator=" "` keeps "\t爱" one word or makes "\t" whitespace text in front of "爱"
# is the reader's design choice, so test_thulac_glued_whitespace only asserts what holds
# either way: doc.text is the raw text, and the non-whitespace words and tags survive.
THULAC_GLUED = ["我\t爱", "a\tb", "我 \t爱"]

THULAC_TEXTS = [t for t in TEXTS if t not in THULAC_LOSSY and t not in THULAC_GLUED]

# About 2,000 characters of realistic text: seed sentences (tags stripped), Latin, numbers,
# a URL, an identifier with "_", ASCII and full-width punctuation, single spaces, line breaks.
# Only single spaces and single line breaks, so THULAC loses nothing.
PARAGRAPH = "\n".join([
    "微信公众平台和开放平台的区别",
    "微信开放平台也即open平台，公众平台即是mp平台，目前open 平台是腾讯移动生活电商团队――微生活在使用，以下是区别。"
    "随着微信5.0内测版本的发布，扫描二维码、条形码、甚至街景的功能；摇一摇增加了视频功能；公众账号分为企业账号和订阅账号等最新变化的出现，"
    "使得微信“横扫一切”“o2o神器”等标签更加流行。而从去年开始流行的“微信扫描二维码 免费获得会员卡”的微生活团队正是腾讯移动生活电商旗下的"
    "全新专注生活电子商务与o2o的解决方案提供商，大街小巷铺满商家二维码掀起了全国范围内的微信扫描风潮。",
    "1、 整体概览 5.0之前的微信公众平台媒体属性貌更强一些，打开微信公众平台第一看见的就是实时消息。其次的重点就是开放接口，"
    "绿色的公众平台api文档方便开发者直接点击进入（详见 http://mp.weixin.qq.com/wiki 的 access_token 一节），"
    "高级功能中的开发模式更为开发者提供了广阔的空间。总之，微生活商家后台更适合商家去做crm 管理和会员营销。二者都focus 在大数据上。",
    "2、 首页 截至2013年9月30日，公众账号已超过200万个，日均新增约8,000个；其中认证账号占12.5%，约1/8。"
    "用户可以用iPhone 5s、Android 4.3或Windows Phone 8客户端扫码，平均耗时不到3秒！你会问：这和QQ有什么不同？"
    "答案是：QQ偏重社交(social)，而微信偏重移动(mobile)。",
    "3、 用户管理与会员 微生活商家后台的会员模块，有会员查询和会员统计两个功能。会员查询操作，可以在顶端通过选择所属门店和入会时间"
    "查询相应的会员详情和会员数量；会员统计功能则可以查看到近期会员的增长折线图, 可以时时了解每日的会员增长情况. 及时调整商家的一些营销策略!",
    "4、 群发消息 发送内容的类型有文字、语音、图片、视频、图文消息（单条图文和多条图文）。优惠券分为给所有会员送券、单次消费送券、"
    "激活开卡未使用会员、唤醒沉睡会员、累积消费送券等功能，折扣从9折到5.5折不等，例如 满100减20 或 买2送1。",
    "5、 设置以及高级功能 编辑模式中可以手动设置“被添加自动回复”“消息自动回复”“关键词自动回复”等，开发者则通过 URL + Token 接入，"
    "例如 token_2013_v2 和 app_id=wx1234abcd。看起来微生活商家后台没有开发者模式这个板块，但是微生活已经实现帮助商家开发自定义菜单等功能，"
    "甚至多客服系统已经帮助商家完成了线上支付引导，更给力的是微生活团队可以帮助商家开发更多的定制功能。",
    "6、 微生活独有的交易模块 交易统计包含交易次数趋势、会员交易额趋势、特权使用量统计等，这些折线图或者趋势图会帮助商家更好的了解"
    "自己的相关销售和交易情况，也可根据相应趋势来调整自己的预算或者物力安排，这对商家的大数据管理有很大的帮助。"
    "当然这也是商家愿意与微生活进行合作得理由。",
    "7、 对接 这里多解释一下，相信很多使用crm系统的商家会关心一个问题就是在微生活商家后台发券后怎么进行统计，怎么与自家的收银系统等进行对接，"
    "据微生活相关人员介绍：从商家预备发券或做活动开始，就会有pos认证或者码库认证帮商家完成整个闭环流程，而微生活目前也制定了标准文档，"
    "帮商家crm系统可以与微生活商家后台完成对接，以便解决商家的更多问题。微生活首页右侧呈现的是今日和昨日的新增会员和交易次数、会员带动交易额。"
    "这与微生活致力于成为传统商企精准的泛会员管理与营销平台有着很大的关系，商家人员登录商家后台可以清楚明了的看到自家店面的整体销售情况和"
    "会员增长情况，时时把控商机和运营情况。因为微生活会员卡是用户通过打开微信扫描二维码后，获得的一张存在于微信中的虚拟会员卡，"
    "而二维码可以存在在海报、桌贴、宣传册等线下物料上，也可以放置在微博、微信、论坛、网站等线上渠道。作为腾讯唯一一只官方团队，"
    "微生活带给商家的体验是其他公司不可比拟的。",
    "Version 2.1 will ship in Q4 2013 (see the release notes); price: $9.99/month, i.e. ~60 RMB.",
    "8、 常见问题 Q: 服务号和订阅号有什么区别? A: 服务号每月可群发4条消息，订阅号每天可群发1条；"
    "在新建群发消息中按照用户组别或者性别、地区等属性进行分别发送。详情请发邮件至 support@example.com 或拨打 400-670-0700，"
    "工作时间为周一至周五 9:00-18:00。微信开拓了一种语音沟通的新时尚，而腾讯微生活开拓了创新的富媒体会员营销平台。",
])

# jieba keeps every character, so its paragraph also has what THULAC would lose: U+3000
# paragraph indents, a blank line, a double space, a tab, CRLF line ends, a trailing space.
JIEBA_PARAGRAPH = (
    "\u3000\u3000"
    + PARAGRAPH.replace("\n2、", "\n\n\u3000\u30002、")
    .replace("1、 整体概览", "1、  整体概览\t")
    .replace("\n8、", "\r\n8、")
    + " \r\n"
)


def first_difference(got, expected):
    """A short message at the first index where two lists differ."""
    for i, (g, e) in enumerate(zip(got, expected)):  # noqa: B007  (i is used after)
        if g != e:
            break
    else:
        i = min(len(got), len(expected))
    lo = max(0, i - 3)
    return (f"first difference at index {i} (got {len(got)}, expected {len(expected)} items): "
            f"got {got[lo:i + 4]!r}, expected {expected[lo:i + 4]!r}")


def assert_round_trip(doc, raw, pairs):
    """`pairs` is the producer's own token list, as (word, tag)."""
    assert doc.text == raw, f"doc.text {doc.text!r} != raw {raw!r}"
    words = [t.text for t in doc]
    tags = [t.tag_ for t in doc]
    expected_words = [w for w, _ in pairs]
    expected_tags = [f for _, f in pairs]
    assert words == expected_words, first_difference(words, expected_words)
    assert tags == expected_tags, first_difference(tags, expected_tags)


# --- jieba -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jieba_posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)  # no "Building prefix dict" chatter
    return jieba.posseg


@pytest.fixture(scope="module")
def jieba_nlp():
    return pipeline("jieba", item_separator=" ", on_error="raise")


def run_jieba(posseg, raw):
    output = " ".join(f"{w}/{f}" for w, f in posseg.cut(raw))
    pairs = [(w, f) for w, f in posseg.cut(raw)]
    # Producer precondition, not a reader check: jieba keeps every character.
    assert "".join(w for w, _ in pairs) == raw, "jieba lost characters (producer quirk)"
    return output, pairs


@pytest.mark.parametrize("raw", TEXTS, ids=repr)
def test_jieba_round_trip(jieba_posseg, jieba_nlp, raw):
    output, pairs = run_jieba(jieba_posseg, raw)
    assert_round_trip(jieba_nlp(output), raw, pairs)


def test_jieba_conventions(jieba_posseg):
    """What the reader relies on; fails if a jieba release changes it."""
    out = lambda raw: run_jieba(jieba_posseg, raw)[0]  # noqa: E731
    assert out("我用iPhone 15和open 平台") == "我/r 用/p iPhone/eng  /x 15/m 和/c open/eng  /x 平台/n"
    assert out("a  b") == "a/x  /x  /x b/x"
    assert out(" 我爱北京 ") == " /x 我/r 爱/v 北京/ns  /x"
    assert out("我\t爱") == "我/r \t/x 爱/v"
    assert out("我\u3000爱") == "我/r \u3000/x 爱/v"
    assert out("第一行\n\n第三行") == "第一行/m \n/x \n/x 第三行/m"
    assert out("第一行\r\n第二行") == "第一行/m \r\n/x 第二行/m"
    assert out("1/2") == "1/x //x 2/x"
    assert out("") == ""


def test_jieba_paragraph(jieba_posseg, jieba_nlp):
    for raw in (PARAGRAPH, JIEBA_PARAGRAPH):
        output, pairs = run_jieba(jieba_posseg, raw)
        assert_round_trip(jieba_nlp(output), raw, pairs)


# --- THULAC ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def thulac_model():
    import thulac
    return thulac.thulac()  # loads the model shipped in the wheel (~4 s), once per module


@pytest.fixture(scope="module")
def thulac_nlp():
    return pipeline("thulac", item_separator=" ", on_error="raise")


def run_thulac(model, raw):
    output = model.cut(raw, text=True)
    # THULAC's line break is ["\n", ""]: bare text between lines, a whitespace token for us.
    pairs = [(w, SPACE_TAG if (w, f) == ("\n", "") else f) for w, f in model.cut(raw)]
    return output, pairs


def assert_thulac_kept_everything(raw, output, pairs):
    # Producer preconditions, not reader checks (see THULAC_LOSSY).
    assert "".join(w for w, _ in pairs) == raw, "THULAC's words lost characters (producer quirk)"
    assert output.count("\n") == raw.count("\n"), "THULAC's text output lost line breaks"
    assert "\r" not in output, "THULAC glued a \\r to a word"


@pytest.mark.parametrize("raw", THULAC_TEXTS, ids=repr)
def test_thulac_round_trip(thulac_model, thulac_nlp, raw):
    output, pairs = run_thulac(thulac_model, raw)
    assert_thulac_kept_everything(raw, output, pairs)
    assert_round_trip(thulac_nlp(output), raw, pairs)


@pytest.mark.parametrize("raw", THULAC_GLUED, ids=repr)
def test_thulac_glued_whitespace(thulac_model, thulac_nlp, raw):
    output, pairs = run_thulac(thulac_model, raw)
    assert_thulac_kept_everything(raw, output, pairs)
    doc = thulac_nlp(output)
    assert doc.text == raw
    got = [(t.text.strip(), t.tag_) for t in doc if t.text.strip()]
    expected = [(w.strip(), f) for w, f in pairs if w.strip()]
    assert got == expected, first_difference(got, expected)


@pytest.mark.parametrize("raw", sorted(THULAC_LOSSY), ids=repr)
def test_thulac_still_loses(thulac_model, raw):
    """The exclusions above are real; if one fails, THULAC changed: move the text back."""
    output, pairs = run_thulac(thulac_model, raw)
    with pytest.raises(AssertionError):
        assert_thulac_kept_everything(raw, output, pairs)


def test_thulac_conventions(thulac_model):
    """What the reader relies on; fails if a THULAC release changes it."""
    out = lambda raw: thulac_model.cut(raw, text=True)  # noqa: E731
    assert out("我用iPhone 15和open 平台") == "我_r 用_p iPhone_x  _n 15_m 和_c open_x  _j 平台_n"
    assert out(" 我爱北京 ") == " _p 我_r 爱_v 北京_ns  _g"
    assert out("我爱北京。\n天安门上太阳升。") == "我_r 爱_v 北京_ns 。_w\n天安门_ns 上_f 太阳_n 升_v 。_w"
    assert out("第一行 \n 第二行") == "第一_m 行_q  _m\n _j 第二_m 行_q"
    assert out("a_b") == "a_j __w b_j"
    assert out("我  爱") == "我_r  _g 爱_v"  # two spaces in, one space word out
    assert out("第一行\n\n第三行") == "第一_m 行_q\n第三_m 行_q"  # blank line gone
    assert out("") == ""


def test_thulac_paragraph(thulac_model, thulac_nlp):
    output, pairs = run_thulac(thulac_model, PARAGRAPH)
    assert_thulac_kept_everything(PARAGRAPH, output, pairs)
    assert_round_trip(thulac_nlp(output), PARAGRAPH, pairs)


# --- jiagu -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jiagu_module():
    return pytest.importorskip("jiagu")


@pytest.fixture(scope="module")
def jiagu_nlp():
    return pipeline("jiagu", on_error="raise")


def run_jiagu(jiagu, raw):
    words = jiagu.seg(raw)
    pairs = list(zip(words, jiagu.pos(words)))
    # Producer precondition, not a reader check: jiagu keeps every character.
    assert "".join(w for w, _ in pairs) == raw, "jiagu lost characters (producer quirk)"
    return " ".join(f"{w}/{t}" for w, t in pairs), pairs


@pytest.mark.parametrize("raw", TEXTS + [PARAGRAPH], ids=repr)
def test_jiagu_round_trip(jiagu_module, jiagu_nlp, raw):
    output, pairs = run_jiagu(jiagu_module, raw)
    assert_round_trip(jiagu_nlp(output), raw, pairs)


def test_jiagu_conventions(jiagu_module, jiagu_nlp):
    """What the reader relies on; fails if a jiagu release changes it. Like jieba, a space is
    a word of its own (an empty-word item after the item separator), and so is a line break."""
    out = lambda raw: run_jiagu(jiagu_module, raw)[0]  # noqa: E731
    assert out("我用iPhone 15和open 平台") == "我/r 用/p iPhone/n  /v 15/n 和/c open/n  /n 平台/n"
    assert out("a  b") == "a/ws  /v  /n b/n"
    assert out("第一行\n第二行") == "第一/m 行/q \n/n 第二/m 行/n"
    # read with the 863 table: Latin-letter words are foreign (X), the copula 是 (vl) AUX
    doc = jiagu_nlp(out("我用iPhone和open平台，他是学生。"))
    assert {t.text: t.pos_ for t in doc if t.text in ("iPhone", "open", "是", "，")} == {
        "iPhone": "X", "open": "X", "是": "AUX", "，": "PUNCT"}


# --- written by hand, in the documented shape ---------------------------------------------
# These are NOT producer output: spaCy's zh_core_web models, CoreNLP and LAC cannot run here.
# Each is typed in the shape the snippet in docs/tagsets-today.md writes, with the tags the
# producer's documentation lists.

# spaCy zh_core_web_*: " ".join(f"{t.text}/{t.tag_}" for t in doc)  (CTB tags)
CTB_BY_HAND = "他/PN 把/BA 书/NN 放/VV 在/P 桌子/NN 上/LC 了/AS 。/PU"
# CoreNLP, -tagSeparator _  (CTB tags)
CORENLP_BY_HAND = "他_PN 说_VV 的_DEC 话_NN 是_VC 对_VA 的_SP 。_PU"
# Baidu LAC: words, tags = LAC(mode="lac").run(text); " ".join(f"{w}/{t}" ...)
LAC_BY_HAND = "百度/ORG 是/v 一家/m 高科技/n 公司/n ，/w 2019年/TIME 张三/PER 在/p 北京/LOC 工作/v"


def test_ctb_written_by_hand_spacy_shape():
    doc = pipeline("ctb")(CTB_BY_HAND)
    assert [t.tag_ for t in doc] == ["PN", "BA", "NN", "VV", "P", "NN", "LC", "AS", "PU"]
    assert [t.pos_ for t in doc] == ["PRON", "ADP", "NOUN", "VERB", "ADP", "NOUN", "ADP",
                                     "AUX", "PUNCT"]
    assert str(doc[7].morph) == "Aspect=Perf"  # 了/AS: the word rule adds the aspect
    assert doc.text == "他把书放在桌子上了。"  # the single spaces are the item separator


def test_ctb_written_by_hand_corenlp_shape():
    doc = pipeline("corenlp")(CORENLP_BY_HAND)
    assert doc.text == "他说的话是对的。"
    assert [t.tag_ for t in doc] == ["PN", "VV", "DEC", "NN", "VC", "VA", "SP", "PU"]
    # the gsd profile (the default) makes the relativizer 的 SCONJ, as GSD does
    assert [t.pos_ for t in doc] == ["PRON", "VERB", "SCONJ", "NOUN", "AUX", "ADJ", "PART",
                                     "PUNCT"]
    hash_doc = pipeline("corenlp_hash")(CORENLP_BY_HAND.replace("_", "#"))
    assert [t.pos_ for t in hash_doc] == [t.pos_ for t in doc]


def test_lac_written_by_hand():
    doc = pipeline("lac")(LAC_BY_HAND)
    assert [t.text for t in doc] == ["百度", "是", "一家", "高科技", "公司", "，", "2019年",
                                     "张三", "在", "北京", "工作"]
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("百度", "ORG"), ("2019年", "DATE"), ("张三", "PERSON"), ("北京", "GPE")]
    assert [doc[i].pos_ for i in (0, 1, 6, 7)] == ["PROPN", "AUX", "NOUN", "PROPN"]
