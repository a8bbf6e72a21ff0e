// POST /v1/chat/completions of the OpenAI emulator.

#include <algorithm>
#include <cctype>

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
  const std::string prompt = AllContent(messages);
  const json format = body.value("response_format", json::object());
  const std::string type = format.is_object() ? format.value("type", "text") : "text";

  std::map<std::string, json> values;
  std::optional<ChatReply> reply;
  bool schema_supported = true;
  int number = 0;
  {
    std::lock_guard lock(mu);
    values = chat_values;
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
    content = BuildInstance(spec["schema"], values).dump();
  } else if (type == "json_object") {
    if (Lower(prompt).find("json") == std::string::npos) {
      return ErrorAnswer(400, "invalid_request_error", "",
                         "'messages' must contain the word 'json' in some form, to use "
                         "'response_format' of type 'json_object'.",
                         "messages");
    }
    json schema = FencedSchema(prompt);
    content = schema.is_null() ? "{}" : BuildInstance(schema, values).dump();
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
    json limit = body.contains("max_completion_tokens") ? body["max_completion_tokens"]
                                                        : body.value("max_tokens", json());
    if (limit.is_number_integer() && FakeTokens(content.size()) > limit.get<std::int64_t>()) {
      content = CutToTokens(content, limit.get<std::int64_t>());
      finish = "length";
    }
    message_content = content;
  }
  std::int64_t prompt_tokens = FakeTokens(prompt.size()) + 7;
  std::int64_t completion_tokens =
      FakeTokens(refusal.is_string() ? refusal.get<std::string>().size() : content.size());
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
        {"completion_tokens_details", {{"reasoning_tokens", 0}}}}},
  };
  return {200, answer, {}};
}

}  // namespace callbrief::fakes
