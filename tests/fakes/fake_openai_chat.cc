// POST /v1/chat/completions of the OpenAI emulator.

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "fakes/fake_openai_impl.h"
#include "fakes/strict_schema.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

std::string AllContent(const json& messages) {
  std::string out;
  for (const json& message : messages) {
    if (!message.is_object()) continue;
    const json& content = message.value("content", json());
    if (content.is_string()) {
      out += content.get<std::string>();
      out += '\n';
    } else if (content.is_array()) {
      for (const json& part : content) {
        if (part.is_object() && part.value("type", "") == "text") {
          out += part.value("text", "");
          out += '\n';
        }
      }
    }
  }
  return out;
}

// The first ```json fenced block in the messages that parses as an object schema.
json FencedSchema(const std::string& text) {
  constexpr std::string_view kFence = "```json";
  for (std::size_t at = text.find(kFence); at != std::string::npos;
       at = text.find(kFence, at + 1)) {
    std::size_t start = at + kFence.size();
    std::size_t end = text.find("```", start);
    if (end == std::string::npos) break;
    json schema = json::parse(text.substr(start, end - start), nullptr, false);
    if (schema.is_object() && schema.contains("properties")) return schema;
  }
  return nullptr;
}

// The quote the emulator invents for InventScorecardQuote: said by nobody in any test call.
constexpr char kInventedQuote[] = "Договорились: подписываем договор во вторник в 15:00";

// The text of the first transcript line of each side in the prompt ("[01:02] Менеджер: text",
// the form llm::RenderTranscript writes), keyed "manager", "client" and "any".
std::map<std::string, std::string> FirstLines(const std::string& prompt) {
  std::map<std::string, std::string> out;
  std::size_t at = 0;
  while (at < prompt.size()) {
    std::size_t end = prompt.find('\n', at);
    if (end == std::string::npos) end = prompt.size();
    std::string_view line(prompt.data() + at, end - at);
    at = end + 1;
    if (line.empty() || line[0] != '[') continue;
    std::size_t close = line.find("] ");
    if (close == std::string_view::npos) continue;
    std::string_view rest = line.substr(close + 2);
    for (auto [label, side] : {std::pair{"Менеджер: ", "manager"},
                               {"Manager: ", "manager"},
                               {"Клиент: ", "client"},
                               {"Client: ", "client"}}) {
      std::string_view l(label);
      if (rest.substr(0, l.size()) == l) {
        out.emplace(side, std::string(rest.substr(l.size())));
        out.emplace("any", std::string(rest.substr(l.size())));
      }
    }
  }
  return out;
}

// The side of each criterion as llm::ScorecardPrompt lists it ("- greeting [менеджер]: …").
std::string SideOfCriterion(const std::string& prompt, const std::string& id) {
  std::size_t at = prompt.find("- " + id + " [");
  if (at == std::string::npos) return "any";
  std::string_view side(prompt.data() + at + id.size() + 4,
                        std::min<std::size_t>(40, prompt.size() - at - id.size() - 4));
  if (side.rfind("менеджер]", 0) == 0 || side.rfind("manager]", 0) == 0) return "manager";
  if (side.rfind("клиент]", 0) == 0 || side.rfind("client]", 0) == 0) return "client";
  return "any";
}

// The emulated model's scorecard (FakeOpenAi::InventScorecardQuote). Structured outputs promise
// only the shape: openai-python src/openai/types/shared_params/response_format_json_schema.py,
// strict — "the model will always follow the exact schema defined in the `schema` field". Nothing
// in the API checks that a quote is verbatim; the sources are silent on it, which is why callbrief
// checks every quote itself and why the emulator can invent one.
json EmulatedScorecard(const json& schema, const std::string& prompt,
                       const std::set<std::string>& invented) {
  json ids = json::array();
  if (const json* items = &schema["properties"]["scorecard"]["items"]; items->is_object()) {
    ids = items->value("properties", json::object())
              .value("criterion", json::object())
              .value("enum", json::array());
  }
  const std::map<std::string, std::string> first = FirstLines(prompt);
  json out = json::array();
  for (const json& id : ids) {
    if (!id.is_string()) continue;
    auto line = first.find(SideOfCriterion(prompt, id.get<std::string>()));
    json answer = {{"criterion", id}, {"verdict", "na"}, {"quote", nullptr}};
    if (invented.count(id.get<std::string>())) {
      answer["verdict"] = "yes";
      answer["quote"] = kInventedQuote;
    } else if (line != first.end()) {
      answer["verdict"] = "yes";
      answer["quote"] = line->second;
    }
    out.push_back(std::move(answer));
  }
  return out;
}

// The emulated model's replies to custom questions (an `answers` array in the schema,
// llm::SummarySchema(checklist, questions)): "yes" to a yes/no question and the line itself to a
// text question ("- id [текст]: …" in llm::QuestionsPrompt), quoting the first client line (the
// first line of anyone without one); null when the transcript is empty. As for scorecards, the
// API promises only the shape (response_format_json_schema.py, strict); the content is ours.
json EmulatedAnswers(const json& schema, const std::string& prompt) {
  json ids = json::array();
  if (schema.contains("properties") && schema["properties"].contains("answers")) {
    ids = schema["properties"]["answers"]
              .value("items", json::object())
              .value("properties", json::object())
              .value("question", json::object())
              .value("enum", json::array());
  }
  const std::map<std::string, std::string> first = FirstLines(prompt);
  auto line = first.count("client") ? first.find("client") : first.find("any");
  json out = json::array();
  for (const json& id : ids) {
    if (!id.is_string()) continue;
    json reply = {{"question", id}, {"answer", nullptr}, {"quote", nullptr}};
    if (line != first.end()) {
      const bool text =
          prompt.find("- " + id.get<std::string>() + " [текст]") != std::string::npos ||
          prompt.find("- " + id.get<std::string>() + " [text]") != std::string::npos;
      reply["answer"] = text ? line->second.substr(0, 200) : "yes";
      reply["quote"] = line->second;
    }
    out.push_back(std::move(reply));
  }
  return out;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Cuts `text` to about `tokens` tokens without splitting a UTF-8 sequence.
std::string CutToTokens(const std::string& text, std::int64_t tokens) {
  std::size_t size =
      std::min(text.size(), static_cast<std::size_t>(std::max<std::int64_t>(tokens, 0)) * 4);
  while (size > 0 && size < text.size() &&
         (static_cast<unsigned char>(text[size]) & 0xC0) == 0x80) {
    --size;
  }
  return text.substr(0, size);
}

// OpenAI's reasoning models: the o-series (o1, o3, o4-mini, …) and the gpt-5 family, except the
// non-reasoning "gpt-5…-chat…" variants.
bool IsReasoningModel(const std::string& model) {
  auto family = [&model](std::string_view prefix) {
    return model.rfind(prefix, 0) == 0 &&
           (model.size() == prefix.size() || model[prefix.size()] == '-' ||
            model[prefix.size()] == '.');
  };
  if (family("o1") || family("o3") || family("o4")) return true;
  return family("gpt-5") && model.find("-chat") == std::string::npos;
}

// Reasoning tokens the emulated model spends before it writes, by reasoning_effort (the API's
// default is medium). The real numbers vary per request; these are in the range the usage of real
// answers shows and large enough that a limit meant for the visible answer alone (2000) runs out.
std::int64_t ReasoningTokens(const std::string& effort) {
  if (effort == "none") return 0;
  if (effort == "minimal") return 200;
  if (effort == "low") return 1000;
  if (effort == "high") return 8000;
  if (effort == "xhigh" || effort == "max") return 16000;
  return 3000;  // medium
}

}  // namespace

OpenAiAnswer FakeOpenAi::Impl::Chat(const httplib::Request& request, LoggedOpenAiRequest& entry) {
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return ErrorAnswer(400, "invalid_request_error", "",
                       "We could not parse the JSON body of your request.");
  }
  entry.body = body;
  entry.model = body.value("model", "");
  if (entry.model.empty()) {
    return ErrorAnswer(400, "invalid_request_error", "", "you must provide a model parameter",
                       "model");
  }
  const json messages = body.value("messages", json());
  if (!messages.is_array() || messages.empty()) {
    return ErrorAnswer(400, "invalid_request_error", "", "[] is too short - 'messages'",
                       "messages");
  }
  // Reasoning models refuse sampling parameters other than their default:
  //   {"message": "Unsupported value: 'temperature' does not support 0.2 with this model. Only the
  //    default (1) value is supported.", "type": "invalid_request_error", "param": "temperature",
  //    "code": "unsupported_value"}
  // (quoted from OpenAI's answers for o1-mini in OpenHands/OpenHands#4131 and for gpt-5 in
  // gabrii/Cursor-Azure-GPT-5#33), and the old output limit ("Unsupported parameter: 'max_tokens'
  // is not supported with this model. Use 'max_completion_tokens' instead.").
  const bool reasoning = IsReasoningModel(entry.model);
  std::int64_t reasoning_tokens = 0;
  if (reasoning) {
    if (const json t = body.value("temperature", json()); t.is_number() && t.get<double>() != 1.0) {
      std::string shown = t.dump();
      return ErrorAnswer(400, "invalid_request_error", "unsupported_value",
                         "Unsupported value: 'temperature' does not support " + shown +
                             " with this model. Only the default (1) value is supported.",
                         "temperature");
    }
    if (body.contains("max_tokens")) {
      return ErrorAnswer(400, "invalid_request_error", "unsupported_parameter",
                         "Unsupported parameter: 'max_tokens' is not supported with this model. "
                         "Use 'max_completion_tokens' instead.",
                         "max_tokens");
    }
    // openai-python src/openai/types/shared/reasoning_effort.py: none, minimal, low, medium,
    // high, xhigh, max.
    const json effort = body.value("reasoning_effort", json("medium"));
    static const std::string_view kEfforts[] = {"none", "minimal", "low", "medium",
                                                "high", "xhigh",   "max"};
    if (!effort.is_string() || std::find(std::begin(kEfforts), std::end(kEfforts),
                                         effort.get<std::string>()) == std::end(kEfforts)) {
      return ErrorAnswer(400, "invalid_request_error", "invalid_value",
                         "Invalid value: " + effort.dump() +
                             ". Supported values are: 'none', 'minimal', 'low', 'medium', "
                             "'high', 'xhigh' and 'max'.",
                         "reasoning_effort");
    }
    reasoning_tokens = ReasoningTokens(effort.get<std::string>());
  } else if (body.contains("reasoning_effort")) {
    return ErrorAnswer(400, "invalid_request_error", "unsupported_parameter",
                       "Unsupported parameter: 'reasoning_effort' is not supported with this "
                       "model.",
                       "reasoning_effort");
  }
  const std::string prompt = AllContent(messages);
  const json format = body.value("response_format", json::object());
  const std::string type = format.is_object() ? format.value("type", "text") : "text";

  std::map<std::string, json> values;
  std::set<std::string> invented;
  std::optional<ChatReply> reply;
  bool schema_supported = true;
  int number = 0;
  {
    std::lock_guard lock(mu);
    values = chat_values;
    invented = invented_quotes;
    schema_supported = json_schema_supported;
    number = ++completions;
    if (!chat_replies.empty()) {
      reply = chat_replies.front();
      chat_replies.pop_front();
    }
  }

  std::string content;
  if (type == "json_schema") {
    if (!schema_supported) {
      return ErrorAnswer(400, "invalid_request_error", "",
                         "response_format type 'json_schema' is not supported by this server",
                         "response_format");
    }
    const json spec = format.value("json_schema", json());
    if (!spec.is_object() || !spec.contains("schema")) {
      return ErrorAnswer(400, "invalid_request_error", "",
                         "Missing required parameter: 'response_format.json_schema'.",
                         "response_format.json_schema");
    }
    const std::string name = spec.value("name", "");
    if (!IsValidSchemaName(name)) {
      return ErrorAnswer(400, "invalid_request_error", "invalid_value",
                         "Invalid 'response_format.json_schema.name': string does not match "
                         "pattern. Expected a string that matches the pattern "
                         "'^[a-zA-Z0-9_-]+$'.",
                         "response_format.json_schema.name");
    }
    if (spec.value("strict", false)) {
      if (auto problem = StrictSchemaProblem(spec["schema"])) {
        return ErrorAnswer(400, "invalid_request_error", "",
                           "Invalid schema for response_format '" + name + "': " + *problem,
                           "response_format");
      }
    }
    json instance = BuildInstance(spec["schema"], values);
    if (instance.contains("scorecard") && !values.count("scorecard")) {
      instance["scorecard"] = EmulatedScorecard(spec["schema"], prompt, invented);
    }
    if (instance.contains("answers") && !values.count("answers")) {
      instance["answers"] = EmulatedAnswers(spec["schema"], prompt);
    }
    content = instance.dump();
  } else if (type == "json_object") {
    if (Lower(prompt).find("json") == std::string::npos) {
      return ErrorAnswer(400, "invalid_request_error", "",
                         "'messages' must contain the word 'json' in some form, to use "
                         "'response_format' of type 'json_object'.",
                         "messages");
    }
    json schema = FencedSchema(prompt);
    json instance = schema.is_null() ? json::object() : BuildInstance(schema, values);
    if (instance.contains("scorecard") && !values.count("scorecard")) {
      instance["scorecard"] = EmulatedScorecard(schema, prompt, invented);
    }
    if (instance.contains("answers") && !values.count("answers")) {
      instance["answers"] = EmulatedAnswers(schema, prompt);
    }
    content = instance.dump();
  } else if (type == "text") {
    content = "Эмулированный ответ.";
  } else {
    return ErrorAnswer(400, "invalid_request_error", "invalid_value",
                       "Invalid value: '" + type +
                           "'. Supported values are: 'json_object', "
                           "'json_schema', and 'text'.",
                       "response_format.type");
  }

  std::string finish = "stop";
  json refusal = nullptr;
  json message_content = nullptr;
  if (reply && reply->kind == ChatReply::Kind::kRefusal) {
    refusal = reply->text;
  } else {
    if (reply && reply->kind == ChatReply::Kind::kContent) content = reply->text;
    if (reply && reply->kind == ChatReply::Kind::kTruncated) {
      content = CutToTokens(content, FakeTokens(content.size()) / 2);
      finish = "length";
    }
    if (reply && reply->kind == ChatReply::Kind::kContentFiltered) {
      content = CutToTokens(content, FakeTokens(content.size()) / 3);
      finish = "content_filter";
    }
    json limit = body.contains("max_completion_tokens") ? body["max_completion_tokens"]
                                                        : body.value("max_tokens", json());
    // openai-python src/openai/types/chat/completion_create_params.py: max_completion_tokens is
    // "an upper bound for the number of tokens that can be generated for a completion, including
    // visible output tokens and reasoning tokens". Reasoning comes first, so a small limit can be
    // used up before the answer starts: finish_reason "length" with empty content.
    if (limit.is_number_integer()) {
      const std::int64_t max = std::max<std::int64_t>(limit.get<std::int64_t>(), 0);
      if (reasoning_tokens >= max) {
        reasoning_tokens = max;
        content.clear();
        finish = "length";
      } else if (FakeTokens(content.size()) > max - reasoning_tokens) {
        content = CutToTokens(content, max - reasoning_tokens);
        finish = "length";
      }
    }
    message_content = content;
  }
  std::int64_t prompt_tokens = FakeTokens(prompt.size()) + 7;
  // openai-python src/openai/types/completion_usage.py: completion_tokens counts the reasoning
  // tokens too; completion_tokens_details.reasoning_tokens says how many of them there were.
  std::int64_t completion_tokens =
      FakeTokens(refusal.is_string() ? refusal.get<std::string>().size() : content.size()) +
      reasoning_tokens;
  json answer = {
      {"id", "chatcmpl-fake-" + std::to_string(number)},
      {"object", "chat.completion"},
      {"created", 1764000000 + number},
      {"model", entry.model},
      {"choices",
       json::array({{{"index", 0},
                     {"message",
                      {{"role", "assistant"}, {"content", message_content}, {"refusal", refusal}}},
                     {"logprobs", nullptr},
                     {"finish_reason", finish}}})},
      {"usage",
       {{"prompt_tokens", prompt_tokens},
        {"completion_tokens", completion_tokens},
        {"total_tokens", prompt_tokens + completion_tokens},
        {"prompt_tokens_details", {{"cached_tokens", 0}}},
        {"completion_tokens_details", {{"reasoning_tokens", reasoning_tokens}}}}},
  };
  return {200, answer, {}};
}

}  // namespace callbrief::fakes
