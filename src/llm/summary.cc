#include "llm/summary.h"

#include <algorithm>

#include "core/json_bounded.h"

namespace callbrief::llm {
namespace {

using json = nlohmann::json;

json NullableString(std::string description) {
  return {{"type", json::array({"string", "null"})}, {"description", std::move(description)}};
}

json StringProperty(std::string description) {
  return {{"type", "string"}, {"description", std::move(description)}};
}

json BuildSchema() {
  json task = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array({"text", "owner", "due"})},
      {"properties",
       {{"text", StringProperty("what has to be done")},
        {"owner", NullableString("who does it: manager, client or a name; null if unclear")},
        {"due", NullableString("deadline as said or YYYY-MM-DD; null if none")}}}};
  json properties = json::object();
  // nlohmann::json keeps object keys sorted; the order the model writes them in does not matter.
  properties["summary"] = StringProperty("2-5 sentences: what the call was about and its outcome");
  properties["key_points"] = {{"type", "array"}, {"items", {{"type", "string"}}}};
  properties["tasks"] = {{"type", "array"}, {"items", task}};
  properties["client_request"] = StringProperty("what the client wants, one line");
  properties["next_steps"] = StringProperty("what happens next, one or two lines");
  properties["sentiment"] = {{"type", "string"},
                             {"enum", json::array({"positive", "neutral", "negative"})}};
  properties["call_kind"] = {
      {"type", "string"},
      {"enum", json::array({kConversation, kVoicemail, kIvr, kWrongNumber, kNoSpeech})}};
  properties["client_name"] = NullableString("the client's name if said");
  properties["company"] = NullableString("the client's company if said");
  json required = json::array();
  for (const char* key : {"summary", "key_points", "tasks", "client_request", "next_steps",
                          "sentiment", "call_kind", "client_name", "company"}) {
    required.push_back(key);
  }
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", required},
          {"properties", properties}};
}

json ScorecardProperty(std::span<const ChecklistItem> checklist) {
  json ids = json::array();
  for (const ChecklistItem& item : checklist) ids.push_back(item.id);
  json answer = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array({"criterion", "verdict", "quote"})},
      {"properties",
       {{"criterion", {{"type", "string"}, {"enum", ids}}},
        {"verdict", {{"type", "string"}, {"enum", json::array({"yes", "no", "na"})}}},
        {"quote", NullableString("the words exactly as they are in the transcript, without the "
                                 "time and speaker label; null if there is nothing to quote")}}}};
  return {{"type", "array"}, {"items", std::move(answer)}};
}

json AnswersProperty(std::span<const QuestionItem> questions) {
  json ids = json::array();
  for (const QuestionItem& item : questions) ids.push_back(item.id);
  json answer = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array({"question", "answer", "quote"})},
      {"properties",
       {{"question", {{"type", "string"}, {"enum", ids}}},
        {"answer", NullableString("yes or no, or a short text, as the question asks; null if the "
                                  "call does not say")},
        {"quote", NullableString("the words exactly as they are in the transcript that give the "
                                 "answer; null if there is nothing to quote")}}}};
  return {{"type", "array"}, {"items", std::move(answer)}};
}

bool HasType(const json& instance, const std::string& type) {
  if (type == "string") return instance.is_string();
  if (type == "array") return instance.is_array();
  if (type == "object") return instance.is_object();
  if (type == "null") return instance.is_null();
  if (type == "boolean") return instance.is_boolean();
  if (type == "integer") return instance.is_number_integer();
  if (type == "number") return instance.is_number();
  return false;
}

bool IsNullable(const json& schema) {
  const json type = schema.value("type", json());
  return type.is_array() && std::find(type.begin(), type.end(), "null") != type.end();
}

void Check(const json& instance, const json& schema, const std::string& path,
           std::vector<std::string>* problems) {
  const std::string where = path.empty() ? "(root)" : path;
  if (schema.contains("type")) {
    std::vector<std::string> types;
    if (schema["type"].is_string()) types.push_back(schema["type"]);
    if (schema["type"].is_array()) {
      for (const auto& t : schema["type"]) types.push_back(t);
    }
    bool ok = std::any_of(types.begin(), types.end(),
                          [&](const std::string& t) { return HasType(instance, t); });
    if (!ok) {
      std::string expected;
      for (const auto& t : types) expected += (expected.empty() ? "" : " or ") + t;
      problems->push_back(where + ": expected " + expected);
      return;
    }
  }
  if (auto options = schema.find("enum"); options != schema.end()) {
    if (std::find(options->begin(), options->end(), instance) == options->end()) {
      problems->push_back(where + ": must be one of " + options->dump());
    }
  }
  if (instance.is_object() && schema.contains("properties")) {
    for (const auto& key : schema.value("required", json::array())) {
      const std::string name = key.get<std::string>();
      if (!instance.contains(name) && !IsNullable(schema["properties"][name])) {
        problems->push_back((path.empty() ? name : path + "." + name) + ": missing");
      }
    }
    for (const auto& [name, property] : schema["properties"].items()) {
      if (instance.contains(name)) {
        Check(instance[name], property, path.empty() ? name : path + "." + name, problems);
      }
    }
  }
  if (instance.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < instance.size(); ++i) {
      Check(instance[i], schema["items"], path + "[" + std::to_string(i) + "]", problems);
    }
  }
}

std::optional<std::string> OptionalString(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

// Answers already checked against the schema's `scorecard` items.
std::vector<CriterionVerdict> ReadAnswers(const json& answers) {
  std::vector<CriterionVerdict> out;
  for (const auto& answer : answers) {
    out.push_back({answer["criterion"], answer["verdict"], OptionalString(answer, "quote")});
  }
  return out;
}

// Replies already checked against the schema's `answers` items.
std::vector<QuestionReply> ReadReplies(const json& replies) {
  std::vector<QuestionReply> out;
  for (const auto& reply : replies) {
    out.push_back(
        {reply["question"], OptionalString(reply, "answer"), OptionalString(reply, "quote")});
  }
  return out;
}

json OptionalJson(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

// kInvalidInput "<what> does not match the schema: <every problem>", for the repair prompt.
core::Status MatchesSchema(const json& in, const json& schema, std::string_view what) {
  std::vector<std::string> problems = SchemaProblems(in, schema);
  if (problems.empty()) return core::Ok();
  std::string message = std::string(what) + " does not match the schema: ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    message += (i == 0 ? "" : "; ") + problems[i];
  }
  return core::Error::InvalidInput(message);
}

}  // namespace

const nlohmann::json& SummarySchema() {
  static const json schema = BuildSchema();
  return schema;
}

nlohmann::json SummarySchema(std::span<const ChecklistItem> checklist,
                             std::span<const QuestionItem> questions) {
  json schema = SummarySchema();
  if (!checklist.empty()) {
    schema["properties"]["scorecard"] = ScorecardProperty(checklist);
    schema["required"].push_back("scorecard");
  }
  if (!questions.empty()) {
    schema["properties"]["answers"] = AnswersProperty(questions);
    schema["required"].push_back("answers");
  }
  return schema;
}

nlohmann::json ScorecardSchema(std::span<const ChecklistItem> checklist,
                               std::span<const QuestionItem> questions) {
  json schema = {{"type", "object"},
                 {"additionalProperties", false},
                 {"required", json::array()},
                 {"properties", json::object()}};
  if (!checklist.empty()) {
    schema["properties"]["scorecard"] = ScorecardProperty(checklist);
    schema["required"].push_back("scorecard");
  }
  if (!questions.empty()) {
    schema["properties"]["answers"] = AnswersProperty(questions);
    schema["required"].push_back("answers");
  }
  return schema;
}

core::Result<ScorecardAnswers> ScorecardAnswersFromJson(const nlohmann::json& in,
                                                        const nlohmann::json& schema) {
  if (auto matches = MatchesSchema(in, schema, "the scorecard"); !matches.ok()) {
    return matches.error();
  }
  ScorecardAnswers out;
  if (schema["properties"].contains("scorecard")) out.verdicts = ReadAnswers(in["scorecard"]);
  if (schema["properties"].contains("answers")) out.replies = ReadReplies(in["answers"]);
  return out;
}

std::vector<QuestionReply> MergeReplies(const std::vector<std::vector<QuestionReply>>& parts) {
  std::vector<QuestionReply> out;
  auto rank = [](const QuestionReply& r) { return r.answer ? (r.quote ? 2 : 1) : 0; };
  for (const auto& part : parts) {
    for (const QuestionReply& reply : part) {
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const QuestionReply& r) { return r.question == reply.question; });
      if (it == out.end()) {
        out.push_back(reply);
      } else if (rank(reply) > rank(*it)) {
        *it = reply;
      }
    }
  }
  return out;
}

std::vector<CriterionVerdict> MergeScorecards(
    const std::vector<std::vector<CriterionVerdict>>& parts) {
  std::vector<CriterionVerdict> out;
  auto rank = [](const CriterionVerdict& v) {
    if (v.verdict == "yes" && v.quote) return 3;
    if (v.verdict == "no") return 2;
    if (v.verdict == "na") return 1;
    return 0;
  };
  for (const auto& part : parts) {
    for (const CriterionVerdict& verdict : part) {
      auto it = std::find_if(out.begin(), out.end(), [&](const CriterionVerdict& v) {
        return v.criterion == verdict.criterion;
      });
      if (it == out.end()) {
        out.push_back(verdict);
      } else if (rank(verdict) > rank(*it)) {
        *it = verdict;
      }
    }
  }
  return out;
}

std::vector<std::string> SchemaProblems(const nlohmann::json& instance,
                                        const nlohmann::json& schema) {
  std::vector<std::string> problems;
  Check(instance, schema, "", &problems);
  return problems;
}

core::Result<CallSummary> CallSummary::FromJson(const nlohmann::json& in) {
  return FromJson(in, SummarySchema());
}

core::Result<CallSummary> CallSummary::FromJson(const nlohmann::json& in,
                                                const nlohmann::json& schema) {
  if (auto matches = MatchesSchema(in, schema, "the summary"); !matches.ok()) {
    return matches.error();
  }
  CallSummary out;
  out.summary = in["summary"];
  for (const auto& point : in["key_points"]) out.key_points.push_back(point);
  for (const auto& task : in["tasks"]) {
    out.tasks.push_back({task["text"], OptionalString(task, "owner"), OptionalString(task, "due")});
  }
  out.client_request = in["client_request"];
  out.next_steps = in["next_steps"];
  out.sentiment = in["sentiment"];
  out.call_kind = in["call_kind"];
  out.client_name = OptionalString(in, "client_name");
  out.company = OptionalString(in, "company");
  if (schema["properties"].contains("scorecard")) out.scorecard = ReadAnswers(in["scorecard"]);
  if (schema["properties"].contains("answers")) out.answers = ReadReplies(in["answers"]);
  return out;
}

nlohmann::json CallSummary::ToJson() const {
  json task_list = json::array();
  for (const SummaryTask& task : tasks) {
    task_list.push_back({{"text", task.text},
                         {"owner", OptionalJson(task.owner)},
                         {"due", OptionalJson(task.due)}});
  }
  return {{"summary", summary},
          {"key_points", key_points},
          {"tasks", std::move(task_list)},
          {"client_request", client_request},
          {"next_steps", next_steps},
          {"sentiment", sentiment},
          {"call_kind", call_kind},
          {"client_name", OptionalJson(client_name)},
          {"company", OptionalJson(company)}};
}

nlohmann::json ExtractAnswerJson(std::string_view content) {
  nlohmann::json parsed = core::ParseBoundedJson(content);
  if (!parsed.is_discarded()) return parsed;
  std::size_t open = content.find('{');
  std::size_t close = content.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return core::ParseBoundedJson(content.substr(open, close - open + 1));
}

}  // namespace callbrief::llm
