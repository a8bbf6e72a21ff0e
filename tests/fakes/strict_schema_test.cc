#include "fakes/strict_schema.h"

#include <gtest/gtest.h>

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

json Valid() {
  return json::parse(R"({
    "type": "object", "additionalProperties": false,
    "required": ["summary", "sentiment", "tasks", "client_name"],
    "properties": {
      "summary": {"type": "string"},
      "sentiment": {"type": "string", "enum": ["positive", "neutral", "negative"]},
      "tasks": {"type": "array", "items": {
        "type": "object", "additionalProperties": false, "required": ["text", "due"],
        "properties": {"text": {"type": "string"}, "due": {"type": ["string", "null"]}}}},
      "client_name": {"type": ["string", "null"]}
    }})");
}

TEST(StrictSchemaTest, AcceptsASchemaThatFollowsTheRules) {
  EXPECT_EQ(StrictSchemaProblem(Valid()), std::nullopt);
}

TEST(StrictSchemaTest, NamesTheProblemAsOpenAiDoes) {
  struct Case {
    const char* pointer;
    json replacement;
    const char* problem;
  } cases[] = {
      {"/additionalProperties", json(true),
       "In context=(), 'additionalProperties' is required to be supplied and to be false."},
      {"/required", json::array({"summary", "sentiment", "tasks"}),
       "In context=(), 'required' is required to be supplied and to be an array including every "
       "key in properties. Missing 'client_name'."},
      {"/properties/tasks/items/required", json::array({"text"}),
       "In context=('properties', 'tasks', 'items'), 'required' is required to be supplied and to "
       "be an array including every key in properties. Missing 'due'."},
      {"/properties/summary/type", json("text"),
       "In context=('properties', 'summary'), 'text' is not a valid type."},
      {"/properties/tasks/items/additionalProperties", json(false), nullptr},
  };
  for (const auto& c : cases) {
    json schema = Valid();
    schema[json::json_pointer(c.pointer)] = c.replacement;
    auto problem = StrictSchemaProblem(schema);
    if (c.problem == nullptr) {
      EXPECT_EQ(problem, std::nullopt) << c.pointer;
    } else {
      EXPECT_EQ(problem.value_or("<none>"), c.problem) << c.pointer;
    }
  }
}

TEST(StrictSchemaTest, RejectsMissingAdditionalPropertiesInNestedObjects) {
  json schema = Valid();
  schema["properties"]["tasks"]["items"].erase("additionalProperties");
  EXPECT_NE(StrictSchemaProblem(schema), std::nullopt);
}

TEST(StrictSchemaTest, RejectsUnsupportedKeywordsAndANonObjectRoot) {
  json schema = Valid();
  schema["properties"]["summary"]["allOf"] = json::array({json::object()});
  EXPECT_EQ(StrictSchemaProblem(schema).value_or(""),
            "In context=('properties', 'summary'), 'allOf' is not permitted.");
  EXPECT_NE(StrictSchemaProblem(json::parse(R"({"type":"array","items":{"type":"string"}})")),
            std::nullopt);
  json extra = Valid();
  extra["required"].push_back("ghost");
  EXPECT_EQ(StrictSchemaProblem(extra).value_or(""),
            "In context=(), Extra required key 'ghost' supplied.");
}

TEST(StrictSchemaTest, ChecksDefinitions) {
  json schema = json::parse(R"({
    "type":"object","additionalProperties":false,"required":["a"],
    "properties":{"a":{"$ref":"#/$defs/A"}},
    "$defs":{"A":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}}})");
  EXPECT_EQ(StrictSchemaProblem(schema).value_or(""),
            "In context=('$defs', 'A'), 'additionalProperties' is required to be supplied and to "
            "be false.");
}

TEST(SchemaNameTest, FollowsOpenAisPattern) {
  EXPECT_TRUE(IsValidSchemaName("call_summary-v2"));
  EXPECT_FALSE(IsValidSchemaName(""));
  EXPECT_FALSE(IsValidSchemaName("call summary"));
  EXPECT_FALSE(IsValidSchemaName(std::string(65, 'a')));
}

TEST(BuildInstanceTest, BuildsAValidInstance) {
  json instance = BuildInstance(Valid());
  EXPECT_EQ(instance["summary"], "emulated summary");
  EXPECT_EQ(instance["sentiment"], "positive");
  ASSERT_EQ(instance["tasks"].size(), 1u);
  EXPECT_EQ(instance["tasks"][0]["text"], "emulated text");
  EXPECT_EQ(instance["tasks"][0]["due"], "emulated due");
  EXPECT_EQ(instance["client_name"], "emulated client_name");
  std::vector<std::string> keys;
  for (const auto& [key, _] : instance.items()) keys.push_back(key);
  EXPECT_EQ(keys.size(), 4u);
}

TEST(BuildInstanceTest, UsesGivenValuesWhenTheyFit) {
  json instance = BuildInstance(Valid(), {{"summary", "Клиент просит КП"},
                                          {"sentiment", "negative"},
                                          {"client_name", nullptr},
                                          {"due", 5}});  // Does not fit: ignored.
  EXPECT_EQ(instance["summary"], "Клиент просит КП");
  EXPECT_EQ(instance["sentiment"], "negative");
  EXPECT_TRUE(instance["client_name"].is_null());
  EXPECT_EQ(instance["tasks"][0]["due"], "emulated due");
  EXPECT_EQ(BuildInstance(Valid(), {{"sentiment", "angry"}})["sentiment"], "positive");
}

TEST(BuildInstanceTest, FollowsReferencesAnyOfAndMinItems) {
  json schema = json::parse(R"({
    "type":"object","properties":{
      "a":{"$ref":"#/$defs/A"},
      "b":{"anyOf":[{"type":"null"},{"type":"integer","minimum":3}]},
      "c":{"type":"array","minItems":2,"items":{"type":"string","format":"date"}}},
    "$defs":{"A":{"type":"boolean"}}})");
  json instance = BuildInstance(schema);
  EXPECT_EQ(instance["a"], true);
  EXPECT_EQ(instance["b"], 3);
  EXPECT_EQ(instance["c"], json::array({"2026-11-25", "2026-11-25"}));
}

}  // namespace
}  // namespace callbrief::fakes
