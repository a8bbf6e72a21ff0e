#include "core/php_form.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace callbrief::core {
namespace {

using nlohmann::json;

struct DecodeCase {
  std::string body;
  std::string expected_json;
};

struct RejectCase {
  std::string body;
  std::string message_part;  // What the error must say, e.g. the problem or the field name.
};

struct EncodeCase {
  std::string object_json;
  std::string expected_body;
};

json Decoded(std::string_view body) {
  Result<json> result = DecodePhpForm(body);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? *result : json();
}

void ExpectDecodes(const std::vector<DecodeCase>& cases) {
  for (const DecodeCase& c : cases) {
    SCOPED_TRACE("body: " + c.body);
    EXPECT_EQ(Decoded(c.body), json::parse(c.expected_json));
  }
}

void ExpectRejects(const std::vector<RejectCase>& cases) {
  for (const RejectCase& c : cases) {
    SCOPED_TRACE("body: " + c.body);
    Result<json> result = DecodePhpForm(c.body);
    ASSERT_FALSE(result.ok()) << result->dump();
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(result.error().message.find(c.message_part), std::string::npos)
        << result.error().message;
  }
}

void ExpectEncodes(const std::vector<EncodeCase>& cases) {
  for (const EncodeCase& c : cases) {
    SCOPED_TRACE("object: " + c.object_json);
    EXPECT_EQ(EncodePhpForm(json::parse(c.object_json)), c.expected_body);
  }
}

// `name` followed by `depth` levels of `[k]`.
std::string NestedName(int depth) {
  std::string name = "a";
  for (int i = 0; i < depth; ++i) name += "[k]";
  return name;
}

// `count` distinct fields f0=0&f1=1&...
std::string ManyFields(int count) {
  std::string body;
  for (int i = 0; i < count; ++i) body += "&f" + std::to_string(i) + "=" + std::to_string(i);
  return body;
}

// --- DecodePhpForm: what Bitrix24 sends ---

TEST(DecodePhpForm, ReadsBitrixCallEndEventWithEveryField) {
  const std::string body =
      "event=ONVOXIMPLANTCALLEND"
      "&event_handler_id=17"
      "&data%5BCALL_ID%5D=externalCall.5ad5c9a8b1a3e4f1.1773239326"
      "&data%5BCALL_TYPE%5D=1"
      "&data%5BPHONE_NUMBER%5D=%2B79161234567"
      "&data%5BPORTAL_NUMBER%5D=reg12345"
      "&data%5BPORTAL_USER_ID%5D=1"
      "&data%5BCALL_DURATION%5D=42"
      "&data%5BCALL_START_DATE%5D=2026-03-11T17%3A28%3A46%2B03%3A00"
      "&data%5BCOST%5D=0.0000"
      "&data%5BCOST_CURRENCY%5D=RUR"
      "&data%5BCALL_FAILED_CODE%5D=304"
      "&data%5BCALL_FAILED_REASON%5D=Call+canceled"
      "&data%5BCRM_ACTIVITY_ID%5D=1234"
      "&ts=1773239624"
      "&auth%5Bdomain%5D=example.bitrix24.ru"
      "&auth%5Bclient_endpoint%5D=https%3A%2F%2Fexample.bitrix24.ru%2Frest%2F"
      "&auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F"
      "&auth%5Bmember_id%5D=a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
      "&auth%5Bapplication_token%5D=0123456789abcdef0123456789abcdef";
  EXPECT_EQ(Decoded(body), json::parse(R"({
    "event": "ONVOXIMPLANTCALLEND",
    "event_handler_id": "17",
    "data": {
      "CALL_ID": "externalCall.5ad5c9a8b1a3e4f1.1773239326",
      "CALL_TYPE": "1",
      "PHONE_NUMBER": "+79161234567",
      "PORTAL_NUMBER": "reg12345",
      "PORTAL_USER_ID": "1",
      "CALL_DURATION": "42",
      "CALL_START_DATE": "2026-03-11T17:28:46+03:00",
      "COST": "0.0000",
      "COST_CURRENCY": "RUR",
      "CALL_FAILED_CODE": "304",
      "CALL_FAILED_REASON": "Call canceled",
      "CRM_ACTIVITY_ID": "1234"
    },
    "ts": "1773239624",
    "auth": {
      "domain": "example.bitrix24.ru",
      "client_endpoint": "https://example.bitrix24.ru/rest/",
      "server_endpoint": "https://oauth.bitrix.info/rest/",
      "member_id": "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
      "application_token": "0123456789abcdef0123456789abcdef"
    }
  })"));
}

TEST(DecodePhpForm, TreatsEncodedAndLiteralBracketsAlike) {
  ExpectDecodes({
      {"data%5BCALL_ID%5D=abc.123", R"({"data": {"CALL_ID": "abc.123"}})"},
      {"data[CALL_ID]=abc.123", R"({"data": {"CALL_ID": "abc.123"}})"},
      {"data%5bCALL_ID%5d=abc.123", R"({"data": {"CALL_ID": "abc.123"}})"},
      {"data%5BCALL_ID]=abc.123&data[CALL_DURATION%5D=42",
       R"({"data": {"CALL_ID": "abc.123", "CALL_DURATION": "42"}})"},
  });
}

TEST(DecodePhpForm, DecodesCyrillicPercentEncodedAsUtf8) {
  ExpectDecodes({
      {"name=%D0%98%D0%B2%D0%B0%D0%BD+%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2",
       R"({"name": "Иван Петров"})"},
      {"%D0%B8%D0%BC%D1%8F=%D0%BE%D0%BA", R"({"имя": "ок"})"},
      {"data%5B%D0%BA%D0%BE%D0%BC%D0%BC%D0%B5%D0%BD%D1%82%5D=%D0%B4%D0%B0",
       R"({"data": {"коммент": "да"}})"},
      {"raw=Привет", R"({"raw": "Привет"})"},
  });
}

// --- DecodePhpForm: splitting and percent-decoding ---

TEST(DecodePhpForm, ReturnsEmptyObjectForEmptyBody) {
  ExpectDecodes({{"", "{}"}, {"&", "{}"}, {"&&&", "{}"}});
}

TEST(DecodePhpForm, SplitsOnAmpersandAndSkipsEmptyPieces) {
  ExpectDecodes({
      {"a=1&b=2", R"({"a": "1", "b": "2"})"},
      {"&a=1&&b=2&", R"({"a": "1", "b": "2"})"},
  });
}

TEST(DecodePhpForm, SplitsEachFieldAtTheFirstEqualsSign) {
  ExpectDecodes({
      {"a=b=c", R"({"a": "b=c"})"},
      {"a==", R"({"a": "="})"},
      {"a=", R"({"a": ""})"},
  });
}

TEST(DecodePhpForm, ReadsFieldWithoutEqualsSignAsEmptyValue) {
  ExpectDecodes({
      {"flag", R"({"flag": ""})"},
      {"flag&a=1", R"({"flag": "", "a": "1"})"},
      {"list[]", R"({"list": [""]})"},
  });
}

TEST(DecodePhpForm, DropsFieldWithEmptyNameAsPhpDoes) {
  ExpectDecodes({{"=1&a=2", R"({"a": "2"})"}, {"=", "{}"}});
}

TEST(DecodePhpForm, DecodesPlusAsSpaceAndPercentEscapesAsBytes) {
  ExpectDecodes({
      {"q=a+b", R"({"q": "a b"})"},
      {"q=a%2Bb", R"({"q": "a+b"})"},
      {"q=%26%3D%25", R"({"q": "&=%"})"},
      {"first+name=x", R"({"first name": "x"})"},
      {"q=%2f%2F", R"({"q": "//"})"},
  });
}

TEST(DecodePhpForm, KeepsSpacesAndDotsInTopLevelNamesUnlikePhp) {
  ExpectDecodes({
      {"first name=x&v.1=y", R"({"first name": "x", "v.1": "y"})"},
      {"a.b[c.d]=1", R"({"a.b": {"c.d": "1"}})"},
  });
}

// --- DecodePhpForm: bracket paths ---

TEST(DecodePhpForm, NestsObjectsForEachBracketedIndex) {
  ExpectDecodes({
      {"a[b]=1", R"({"a": {"b": "1"}})"},
      {"a[b][c]=1&a[b][d]=2&a[e]=3", R"({"a": {"b": {"c": "1", "d": "2"}, "e": "3"}})"},
      {"a[]=1", R"({"a": ["1"]})"},
      {"a[b c]=1", R"({"a": {"b c": "1"}})"},
  });
}

TEST(DecodePhpForm, KeepsNumericIndicesAsObjectKeys) {
  ExpectDecodes({
      {"a[0]=x&a[1]=y", R"({"a": {"0": "x", "1": "y"}})"},
      {"a[1]=y&a[0]=x", R"({"a": {"0": "x", "1": "y"}})"},
      {"a[0][0]=x", R"({"a": {"0": {"0": "x"}}})"},
  });
}

TEST(DecodePhpForm, AppendsToArrayForEmptyBrackets) {
  ExpectDecodes({
      {"a[]=x&a[]=y&a[]=z", R"({"a": ["x", "y", "z"]})"},
      {"a[][b]=1&a[][b]=2", R"({"a": [{"b": "1"}, {"b": "2"}]})"},
      {"a[][]=1&a[][]=2", R"({"a": [["1"], ["2"]]})"},
      {"a[b][]=1&a[b][]=2", R"({"a": {"b": ["1", "2"]}})"},
  });
}

TEST(DecodePhpForm, AppendsToObjectUnderNextIntegerKey) {
  ExpectDecodes({
      {"a[5]=x&a[]=y", R"({"a": {"5": "x", "6": "y"}})"},
      {"a[2]=x&a[9]=y&a[3]=z&a[]=w", R"({"a": {"2": "x", "9": "y", "3": "z", "10": "w"}})"},
      {"a[k]=x&a[]=y&a[]=z", R"({"a": {"k": "x", "0": "y", "1": "z"}})"},
      {"a[07]=x&a[-3]=y&a[%2B4]=w&a[]=z", R"({"a": {"07": "x", "-3": "y", "+4": "w", "0": "z"}})"},
      {"a[99999999999999999999]=x&a[]=y", R"({"a": {"99999999999999999999": "x", "0": "y"}})"},
  });
}

TEST(DecodePhpForm, RejectsAppendAfterTheLargestInteger) {
  ExpectRejects({{"a[9223372036854775807]=x&a[]=y", "no index left"}});
}

TEST(DecodePhpForm, TurnsArrayIntoObjectWhenNamedIndexFollows) {
  ExpectDecodes({
      {"a[]=x&a[]=y&a[k]=z", R"({"a": {"0": "x", "1": "y", "k": "z"}})"},
      {"a[]=x&a[k]=y&a[]=z", R"({"a": {"0": "x", "k": "y", "1": "z"}})"},
      {"a[]=x&a[0]=y", R"({"a": {"0": "y"}})"},
  });
}

TEST(DecodePhpForm, LetsLaterAssignmentWin) {
  ExpectDecodes({
      {"a=1&a=2", R"({"a": "2"})"},
      {"a=1&a[b]=2", R"({"a": {"b": "2"}})"},
      {"a[b]=2&a=1", R"({"a": "1"})"},
      {"a[b]=1&a[b][c]=2", R"({"a": {"b": {"c": "2"}}})"},
      {"a[b][c]=2&a[b]=1", R"({"a": {"b": "1"}})"},
      {"a=1&a[]=2", R"({"a": ["2"]})"},
      {"a[]=1&a=2", R"({"a": "2"})"},
  });
}

TEST(DecodePhpForm, IgnoresTextAfterClosingBracketAsPhpDoes) {
  ExpectDecodes({
      {"a[b]c=1", R"({"a": {"b": "1"}})"},
      {"a[b]c[d]=1", R"({"a": {"b": "1"}})"},
      {"a[b]]=1", R"({"a": {"b": "1"}})"},
  });
}

TEST(DecodePhpForm, RunsIndexToTheNextClosingBracket) {
  ExpectDecodes({{"a[b[c]=1", R"({"a": {"b[c": "1"}})"}});
}

TEST(DecodePhpForm, AcceptsNestingOf32Levels) {
  Result<json> result = DecodePhpForm(NestedName(32) + "=deep");
  ASSERT_TRUE(result.ok()) << result.error().message;
  std::string path = "/a";
  for (int i = 0; i < 32; ++i) path += "/k";
  EXPECT_EQ(result->at(json::json_pointer(path)), "deep");
}

TEST(DecodePhpForm, AcceptsUpTo2000Fields) {
  Result<json> result = DecodePhpForm(ManyFields(2000) + "&&");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->size(), 2000u);
  EXPECT_EQ(result->at("f1999"), "1999");
}

// --- DecodePhpForm: what it rejects ---

TEST(DecodePhpForm, RejectsInvalidPercentEscape) {
  ExpectRejects({
      {"a=%zz", "invalid percent escape in the value"},
      {"a=%4", "invalid percent escape in the value"},
      {"a=%", "invalid percent escape in the value"},
      {"a=%g0", "invalid percent escape in the value"},
      {"a=x%4", "invalid percent escape in the value"},
      {"a%zz=1", "invalid percent escape in the name"},
      {"data%5BCALL_ID%5=1", "invalid percent escape in the name"},
      {"a%zz=1", R"("a%zz")"},
  });
}

TEST(DecodePhpForm, RejectsEmptyNameBeforeBrackets) {
  ExpectRejects({
      {"[a]=1", "empty name before brackets"},
      {"%5Ba%5D=1", "empty name before brackets"},
      {"[]=1", "empty name before brackets"},
      {"ok=1&[a]=1", R"("[a]")"},
  });
}

TEST(DecodePhpForm, RejectsUnbalancedBrackets) {
  ExpectRejects({
      {"a[b=1", "unbalanced brackets"},
      {"a]b=1", "unbalanced brackets"},
      {"a]=1", "unbalanced brackets"},
      {"a[b][c=1", "unbalanced brackets"},
      {"a%5Bb=1", "unbalanced brackets"},
      {"a[=1", "unbalanced brackets"},
      {"a[b=1", R"("a[b")"},
  });
}

TEST(DecodePhpForm, RejectsNestingDeeperThan32Levels) {
  ExpectRejects({
      {NestedName(33) + "=1", "nested deeper than 32 levels"},
      {NestedName(1000) + "=1", "nested deeper than 32 levels"},
  });
}

TEST(DecodePhpForm, RejectsMoreThan2000Fields) {
  ExpectRejects({
      {ManyFields(2001), "more than 2000 fields"},
      {ManyFields(2001), R"("f2000")"},
  });
}

TEST(DecodePhpForm, RejectsTextThatIsNotUtf8OnceDecoded) {
  ExpectRejects({
      {"a=%80", "value is not valid UTF-8"},           // Continuation byte with no lead.
      {"a=%C3", "value is not valid UTF-8"},           // Sequence cut short at the end.
      {"a=%E2%82", "value is not valid UTF-8"},        // Sequence cut short at the end.
      {"a=%E2%28%A1", "value is not valid UTF-8"},     // Lead followed by ASCII.
      {"a=%C0%AF", "value is not valid UTF-8"},        // Overlong "/".
      {"a=%C1%BF", "value is not valid UTF-8"},        // Overlong U+007F.
      {"a=%E0%9F%BF", "value is not valid UTF-8"},     // Overlong U+07FF.
      {"a=%F0%8F%BF%BF", "value is not valid UTF-8"},  // Overlong U+FFFF.
      {"a=%ED%A0%80", "value is not valid UTF-8"},     // Surrogate U+D800.
      {"a=%ED%BF%BF", "value is not valid UTF-8"},     // Surrogate U+DFFF.
      {"a=%F4%90%80%80", "value is not valid UTF-8"},  // U+110000, past the last code point.
      {"a=%F5%80%80%80", "value is not valid UTF-8"},  // Lead byte that UTF-8 never uses.
      {"a=%FF", "value is not valid UTF-8"},
      {"a=\xC3\x28", "value is not valid UTF-8"},  // Raw bytes, not escaped.
      {"%C0%AF=1", "name is not valid UTF-8"},
      {"data%5B%ED%A0%80%5D=1", "name is not valid UTF-8"},
  });
}

TEST(DecodePhpForm, AcceptsEveryUtf8BoundaryCodePoint) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%7F", "\x7F"},                       // U+007F
      {"%C2%80", "\xC2\x80"},                // U+0080
      {"%DF%BF", "\xDF\xBF"},                // U+07FF
      {"%E0%A0%80", "\xE0\xA0\x80"},         // U+0800
      {"%ED%9F%BF", "\xED\x9F\xBF"},         // U+D7FF, just below the surrogates
      {"%EE%80%80", "\xEE\x80\x80"},         // U+E000, just above them
      {"%EF%BF%BF", "\xEF\xBF\xBF"},         // U+FFFF
      {"%F0%90%80%80", "\xF0\x90\x80\x80"},  // U+10000
      {"%F4%8F%BF%BF", "\xF4\x8F\xBF\xBF"},  // U+10FFFF, the last code point
      {"%00", std::string(1, '\0')},         // NUL is valid UTF-8
  };
  for (const auto& [escaped, bytes] : cases) {
    SCOPED_TRACE(escaped);
    EXPECT_EQ(Decoded("a=" + escaped), json({{"a", bytes}}));
  }
}

TEST(DecodePhpForm, NamesFieldInErrorTruncatedAndWithoutItsValue) {
  const std::string long_name(500, 'n');
  Result<json> result = DecodePhpForm("ok=1&" + long_name + "[x=secret");
  ASSERT_FALSE(result.ok());
  const std::string& message = result.error().message;
  EXPECT_NE(message.find("\"nnnnnnnnnn"), std::string::npos) << message;
  EXPECT_NE(message.find("...\""), std::string::npos) << message;
  EXPECT_LT(message.size(), 120u) << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
}

TEST(DecodePhpForm, NeverEchoesValueInError) {
  Result<json> result = DecodePhpForm("auth%5Bapplication_token%5D=TOPSECRET%zz");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("application_token"), std::string::npos);
  EXPECT_EQ(result.error().message.find("TOPSECRET"), std::string::npos);
}

TEST(DecodePhpForm, EscapesControlBytesOfNameInError) {
  Result<json> result = DecodePhpForm(std::string("a\nb\x01[=1"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find(R"("a%0Ab%01[")"), std::string::npos)
      << result.error().message;
}

// --- EncodePhpForm ---

TEST(EncodePhpForm, WritesBitrixRestFilterExactly) {
  const json params = {
      {"FILTER", {{"CALL_ID", "x.1"}}}, {"SORT", "ID"}, {"select", {"ID", "CALL_ID"}}};
  EXPECT_EQ(EncodePhpForm(params),
            "FILTER%5BCALL_ID%5D=x.1&SORT=ID&select%5B0%5D=ID&select%5B1%5D=CALL_ID");
}

TEST(EncodePhpForm, WritesNestedObjectsAndArraysAsBracketedNames) {
  ExpectEncodes({
      {R"({"a": "1"})", "a=1"},
      {R"({"a": {"b": {"c": "d"}}})", "a%5Bb%5D%5Bc%5D=d"},
      {R"({"a": ["x", "y"]})", "a%5B0%5D=x&a%5B1%5D=y"},
      {R"({"a": [{"b": "1"}, ["2"]]})", "a%5B0%5D%5Bb%5D=1&a%5B1%5D%5B0%5D=2"},
  });
}

TEST(EncodePhpForm, WritesScalarsAsHttpBuildQueryDoes) {
  ExpectEncodes({
      {R"({"n": 42})", "n=42"},
      {R"({"n": -7})", "n=-7"},
      {R"({"n": 18446744073709551615})", "n=18446744073709551615"},
      {R"({"n": 2.0})", "n=2"},
      {R"({"n": 0.1})", "n=0.1"},
      {R"({"n": -1.5})", "n=-1.5"},
      {R"({"n": 1e20})", "n=100000000000000000000"},
      {R"({"b": true, "c": false})", "b=1&c=0"},
      {R"({"a": null, "b": "x"})", "b=x"},
  });
}

TEST(EncodePhpForm, SkipsNullsAndEmptyContainers) {
  ExpectEncodes({
      {R"({"a": {}, "b": [], "c": null, "d": "x"})", "d=x"},
      {R"({"a": {"b": null}})", ""},
      {"{}", ""},
  });
}

TEST(EncodePhpForm, PercentEncodesAllButUnreservedCharacters) {
  ExpectEncodes({
      {R"({"q": "AZaz09-._~"})", "q=AZaz09-._~"},
      {R"({"q": "a b+c&d=e/f?g#h%i"})", "q=a%20b%2Bc%26d%3De%2Ff%3Fg%23h%25i"},
      {R"({"q": "[x]"})", "q=%5Bx%5D"},
      {R"({"имя": "Иван"})", "%D0%B8%D0%BC%D1%8F=%D0%98%D0%B2%D0%B0%D0%BD"},
      {R"({"a b": {"c&d": "e"}})", "a%20b%5Bc%26d%5D=e"},
      {R"({"t": "2026-03-11T17:28:46+03:00"})", "t=2026-03-11T17%3A28%3A46%2B03%3A00"},
  });
}

TEST(EncodePhpForm, ReturnsEmptyStringForAnythingButAnObject) {
  for (const json& value : {json::array({"a"}), json("a=1"), json(1), json(true), json()}) {
    SCOPED_TRACE(value.dump());
    EXPECT_EQ(EncodePhpForm(value), "");
  }
}

// --- Both together ---

TEST(PhpForm, DecodeReversesEncodeForNestedObjectsOfStrings) {
  const std::vector<std::string> objects = {
      R"({"a": "1"})",
      R"({"event": "ONVOXIMPLANTCALLEND", "data": {"CALL_ID": "abc.123", "COST": "0.0000"},
          "auth": {"domain": "x.bitrix24.ru", "application_token": "t"}})",
      R"({"a": {"b": {"c": {"d": {"e": "deep"}}}}, "z": ""})",
      R"({"n": {"0": "x", "1": "y", "10": "z"}})",
      R"({"text": "Звонок завершён: +7 (916) 123-45-67 & 100% / ok?",
          "first name": "Иван", "v.1": "~"})",
      R"({"empty": "", "space": " ", "plus": "+", "eq": "=", "amp": "&", "pct": "%"})",
  };
  for (const std::string& text : objects) {
    SCOPED_TRACE(text);
    const json object = json::parse(text);
    EXPECT_EQ(Decoded(EncodePhpForm(object)), object);
  }
}

TEST(PhpForm, EncodeThenDecodeTurnsArraysIntoIndexedObjects) {
  EXPECT_EQ(Decoded(EncodePhpForm({{"select", {"ID", "CALL_ID"}}})),
            json::parse(R"({"select": {"0": "ID", "1": "CALL_ID"}})"));
}

}  // namespace
}  // namespace callbrief::core
