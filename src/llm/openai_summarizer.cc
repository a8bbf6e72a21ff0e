// The OpenAI-compatible summary client (POST /chat/completions) with structured outputs, the
// json_object fallback, one repair attempt and map-reduce for long transcripts.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>

#include "core/json_bounded.h"
#include "llm/prompt.h"
#include "llm/summarizer.h"
#include "net/http_error.h"
#include "openai/error.h"

namespace callbrief::llm {
namespace {

using json = nlohmann::json;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// OpenAI's 400 about our schema itself ("Invalid schema for response_format 'call_summary': …",
// "Invalid 'response_format.json_schema.name': …"): a bug on our side that json_object would
// only hide.
bool RefusesOurSchema(const net::HttpResponse& response) {
  if (response.status != 400) return false;
  openai::ErrorBody body = openai::ParseErrorBody(response.body);
  const std::string message = Lower(body.message);
  return message.find("invalid schema") != std::string::npos ||
         message.find("'response_format.json_schema") != std::string::npos;
}

// A 400 that says the server does not do structured outputs: it names response_format or
// json_schema AND says that is unsupported/unknown ("'response_format' of type 'json_schema' is
// not supported with this model", "Unrecognized request argument supplied: response_format",
// "Invalid value: 'json_schema'. Supported values are: 'json_object' and 'text'."). Any other
// 400 about response_format is not a reason to give up on the schema.
bool RefusesJsonSchema(const net::HttpResponse& response) {
  if (response.status != 400 || RefusesOurSchema(response)) return false;
  openai::ErrorBody body = openai::ParseErrorBody(response.body);
  const std::string text =
      Lower(body.param + " " + body.message + " " + response.body.substr(0, 2000));
  if (text.find("response_format") == std::string::npos &&
      text.find("json_schema") == std::string::npos) {
    return false;
  }
  for (std::string_view unsupported :
       {"not supported", "unsupported", "not support", "does not support", "unrecognized",
        "unknown", "not permitted", "not allowed", "supported values", "extra inputs",
        "not implemented", "invalid response_format type"}) {
    if (text.find(unsupported) != std::string::npos) return true;
  }
  return false;
}

// A 400 naming the output-limit field we sent ("Unsupported parameter: 'max_tokens' … Use
// 'max_completion_tokens' instead", or an older server that knows only max_tokens).
bool RefusesTokenField(const net::HttpResponse& response, std::string_view field) {
  if (response.status != 400) return false;
  openai::ErrorBody body = openai::ParseErrorBody(response.body);
  return body.param == field ||
         body.message.find("'" + std::string(field) + "'") != std::string::npos ||
         body.message.find("\"" + std::string(field) + "\"") != std::string::npos;
}

// A 400 naming `param` as a parameter this model does not take at all or not with our value
// ({"param": "temperature", "code": "unsupported_value"} from reasoning models).
bool RefusesParameter(const net::HttpResponse& response, std::string_view param) {
  if (response.status != 400) return false;
  openai::ErrorBody body = openai::ParseErrorBody(response.body);
  return body.param == param ||
         body.message.find("'" + std::string(param) + "'") != std::string::npos;
}

constexpr std::string_view kMaxCompletionTokens = "max_completion_tokens";
constexpr std::string_view kMaxTokens = "max_tokens";

class OpenAiSummarizer final : public Summarizer {
 public:
  OpenAiSummarizer(net::HttpClient& http, SummarizerOptions options)
      : http_(http), options_(std::move(options)) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/') {
      options_.base_url.pop_back();
    }
    json_object_ = options_.structured_output == StructuredOutput::kJsonObject;
    legacy_max_tokens_ = options_.max_tokens_field == kMaxTokens;
    reasoning_ = IsReasoningModel(options_.model);
    // Reasoning models answer 400 to any temperature but their default, 1.
    send_temperature_ = !reasoning_;
    send_reasoning_effort_ = reasoning_ && !options_.reasoning_effort.empty();
  }

  core::Result<SummaryResult> Summarize(const SummaryInput& input) override {
    if (options_.skip_llm_by_rules) {
      if (auto summary = SummaryWithoutLlm(input)) return SummaryResult{*summary, {}, true};
    }
    const std::string language = input.language.empty() ? options_.language : input.language;
    SummaryResult result;
    auto parts = SplitTranscript(input.transcript, language, options_.transcript_token_budget);
    // Same request, not a second one: the transcript is sent and paid for once, and the quotes
    // come from the same reading (bench/README.md, "Scorecards: one request or two").
    const json schema = SummarySchema(input.checklist, input.questions);
    const std::string checklist =
        ScorecardPrompt(input.checklist, language) + QuestionsPrompt(input.questions, language);
    if (parts.size() == 1) {
      auto summary =
          Step({PromptKind::kWhole}, UserPrompt(input, input.transcript, language) + checklist,
               schema, language, "summarize", &result.usage);
      if (!summary) return summary.error();
      result.summary = std::move(*summary);
      return result;
    }
    std::vector<CallSummary> summaries;
    std::vector<std::vector<CriterionVerdict>> scorecards;
    std::vector<std::vector<QuestionReply>> replies;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const int part = static_cast<int>(i) + 1, count = static_cast<int>(parts.size());
      auto summary =
          Step({PromptKind::kPart, part, count}, UserPrompt(input, parts[i], language) + checklist,
               schema, language, fmt::format("summarize part {}/{}", part, count), &result.usage);
      if (!summary) return summary.error().WithContext(fmt::format("part {}/{}", part, count));
      scorecards.push_back(std::move(summary->scorecard));
      replies.push_back(std::move(summary->answers));
      summaries.push_back(std::move(*summary));
    }
    auto merged = Merge(input, std::move(summaries), language, &result.usage);
    if (!merged) return merged.error();
    result.summary = std::move(*merged);
    // The merge step sees summaries, not the transcript: it cannot quote, so it is not asked.
    result.summary.scorecard = MergeScorecards(scorecards);
    result.summary.answers = MergeReplies(replies);
    return result;
  }

  core::Result<ScoreResult> Score(const SummaryInput& input) override {
    if (input.checklist.empty() && input.questions.empty()) {
      return core::Error::InvalidInput(
          "scoring a call needs a checklist with criteria or questions");
    }
    const std::string language = input.language.empty() ? options_.language : input.language;
    const json schema = ScorecardSchema(input.checklist, input.questions);
    const std::string checklist =
        ScorecardPrompt(input.checklist, language) + QuestionsPrompt(input.questions, language);
    auto parts = SplitTranscript(input.transcript, language, options_.transcript_token_budget);
    ScoreResult result;
    std::vector<std::vector<CriterionVerdict>> answers;
    std::vector<std::vector<QuestionReply>> replies;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const int part = static_cast<int>(i) + 1, count = static_cast<int>(parts.size());
      const std::string operation =
          count == 1 ? "score" : fmt::format("score part {}/{}", part, count);
      auto scored = Step<ScorecardAnswers>(
          {PromptKind::kScore, part, count}, UserPrompt(input, parts[i], language) + checklist,
          schema, language, operation, &result.usage,
          [&schema](const json& answer) { return ScorecardAnswersFromJson(answer, schema); });
      if (!scored) return scored.error();
      answers.push_back(std::move(scored->verdicts));
      replies.push_back(std::move(scored->replies));
    }
    result.answers = MergeScorecards(answers);
    result.replies = MergeReplies(replies);
    return result;
  }

 private:
  // Merges part summaries into one; when their JSON is itself over the budget, merges groups of
  // them first (each group at least two, so every round shrinks the list).
  core::Result<CallSummary> Merge(const SummaryInput& input, std::vector<CallSummary> summaries,
                                  const std::string& language,
                                  std::vector<core::ProviderUsage>* usage) {
    const std::int64_t budget = options_.transcript_token_budget;
    while (summaries.size() > 2 &&
           EstimateTokens(MergePrompt(input, summaries, language)) > budget) {
      std::vector<CallSummary> next;
      for (std::size_t begin = 0; begin < summaries.size();) {
        std::size_t end = begin + 2;
        while (end < summaries.size() &&
               EstimateTokens(MergePrompt(
                   input, {summaries.begin() + begin, summaries.begin() + end + 1}, language)) <=
                   budget) {
          ++end;
        }
        end = std::min(end, summaries.size());
        if (end - begin == 1) {
          next.push_back(std::move(summaries[begin]));
        } else {
          std::vector<CallSummary> group(summaries.begin() + begin, summaries.begin() + end);
          auto merged =
              Step({PromptKind::kMerge}, MergePrompt(input, group, language), SummarySchema(),
                   language, fmt::format("merge {} parts", group.size()), usage);
          if (!merged) return merged.error();
          next.push_back(std::move(*merged));
        }
        begin = end;
      }
      summaries = std::move(next);
    }
    return Step({PromptKind::kMerge}, MergePrompt(input, summaries, language), SummarySchema(),
                language, fmt::format("merge {} parts", summaries.size()), usage);
  }

  // One summary request with its fallback and repair attempts.
  core::Result<CallSummary> Step(PromptContext context, const std::string& user, const json& schema,
                                 const std::string& language, const std::string& operation,
                                 std::vector<core::ProviderUsage>* usage) {
    return Step<CallSummary>(
        context, user, schema, language, operation, usage,
        [&schema](const json& answer) { return CallSummary::FromJson(answer, schema); });
  }

  // One request with its fallback and repair attempts; `read` turns the answer's JSON into T or
  // says what is wrong with it (the repair prompt quotes that).
  template <typename T>
  core::Result<T> Step(PromptContext context, const std::string& user, const json& schema,
                       const std::string& language, const std::string& operation,
                       std::vector<core::ProviderUsage>* usage,
                       const std::function<core::Result<T>(const json&)>& read) {
    const std::string what = fmt::format(
        "{} with {} ({})", context.kind == PromptKind::kScore ? "scoring" : "summarizing",
        options_.model, operation);
    int repairs = 0;
    bool switched_token_field = false;  // At most once per step, whatever the server says.
    int max_tokens = options_.max_output_tokens;
    json history = json::array();  // Assistant answers and repair requests after the user turn.
    while (true) {
      const bool json_object = json_object_.load();
      context.embed_schema = json_object;
      context.schema = &schema;
      json messages =
          json::array({{{"role", "system"}, {"content", SystemPrompt(language, context)}},
                       {{"role", "user"}, {"content", user}}});
      for (const json& turn : history) messages.push_back(turn);
      auto started = std::chrono::steady_clock::now();
      auto response = http_.Send(Request(messages, json_object, RequestLimit(max_tokens), schema));
      auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (!response) {
        core::Error error = response.error().WithContext(what);
        error.message = openai::WithoutSecret(std::move(error.message), options_.api_key);
        return error;
      }
      if (!response->IsSuccess()) {
        if (!json_object && options_.structured_output == StructuredOutput::kAuto &&
            RefusesJsonSchema(*response)) {
          spdlog::warn(
              "{} does not accept response_format json_schema; using json_object with "
              "validation from now on",
              options_.base_url);
          json_object_ = true;
          continue;
        }
        // A model we do not know by name as a reasoning model (a proxy's alias, a newer family)
        // refusing the temperature: it is one; resend without it, and never send it again.
        if (send_temperature_.load() && RefusesParameter(*response, "temperature")) {
          send_temperature_ = false;
          spdlog::warn("{} does not accept temperature for {}; not sending it from now on",
                       options_.base_url, options_.model);
          continue;
        }
        if (send_reasoning_effort_.load() && RefusesParameter(*response, "reasoning_effort")) {
          send_reasoning_effort_ = false;
          spdlog::warn(
              "{} does not accept reasoning_effort \"{}\" for {}; using the model's "
              "default from now on (check SUMMARY_REASONING_EFFORT)",
              options_.base_url, options_.reasoning_effort, options_.model);
          continue;
        }
        if (const std::string_view field = MaxTokensField();
            RefusesTokenField(*response, field) && !switched_token_field) {
          switched_token_field = true;
          legacy_max_tokens_ = field == kMaxCompletionTokens;
          spdlog::warn("{} does not accept {}; sending {} from now on", options_.base_url, field,
                       MaxTokensField());
          continue;
        }
        core::Error error = openai::ErrorFromResponse(*response, what, Settings(), Now());
        if (RefusesOurSchema(*response)) {
          error = core::Error::Permanent(
              error.message +
              " — the summary schema callbrief sends was refused; this is a bug in callbrief "
              "(please report it with this message)");
          error.code = "invalid_schema";
        }
        return error;
      }
      json body = core::ParseBoundedJson(response->body);
      const json* choice = body.is_object() && body.contains("choices") &&
                                   body["choices"].is_array() && !body["choices"].empty()
                               ? &body["choices"][0]
                               : nullptr;
      if (choice == nullptr || !choice->is_object()) {
        return core::Error::Transient(fmt::format("{}: the answer is not a chat completion: {}",
                                                  what, net::BodyExcerpt(response->body)));
      }
      RecordUsage(body, repairs > 0 ? operation + " (retry)" : operation, latency, usage);
      const json message = choice->value("message", json::object());
      const json refusal = message.value("refusal", json());
      if (refusal.is_string() && !refusal.get<std::string>().empty()) {
        core::Error error = core::Error::Permanent(fmt::format(
            "{}: the model refused: {}", what, net::BodyExcerpt(refusal.get<std::string>())));
        error.code = "refusal";
        return error;
      }
      const std::string finish = choice->value("finish_reason", "");
      // openai-python types/chat/chat_completion.py: "content_filter if content was omitted due
      // to a flag from our content filters". The same transcript is flagged again on every
      // attempt, so like a refusal it is final: no repair, no retry.
      if (finish == "content_filter") {
        core::Error error = core::Error::Permanent(
            fmt::format("{}: the provider's content filter stopped the answer (finish_reason "
                        "content_filter); the call cannot be summarized by this model",
                        what));
        error.code = "content_filter";
        return error;
      }
      const json content = message.value("content", json());
      const std::string text = content.is_string() ? content.get<std::string>() : "";
      if (finish == "length") {
        if (repairs++ < options_.max_repair_attempts) {
          max_tokens *= 2;
          continue;
        }
        const std::int64_t reasoning = ReasoningTokens(body);
        core::Error error = core::Error::Config(
            text.empty() && reasoning > 0
                ? fmt::format("{}: the model spent the whole limit of {} tokens on reasoning ({} "
                              "reasoning tokens) and wrote no answer (finish_reason length, empty "
                              "content); lower SUMMARY_REASONING_EFFORT or raise "
                              "SUMMARY_MAX_TOKENS",
                              what, RequestLimit(max_tokens), reasoning)
                : fmt::format("{}: the answer was cut off at {} tokens (finish_reason length); "
                              "raise SUMMARY_MAX_TOKENS or use a model with a larger output limit",
                              what, RequestLimit(max_tokens)));
        error.code = "length";
        return error;
      }
      json parsed = ExtractAnswerJson(text);
      std::string problem;
      if (parsed.is_discarded()) {
        problem = "the answer is not JSON";
      } else {
        auto answer = read(parsed);
        if (answer) return answer;
        problem = answer.error().message;
      }
      if (repairs++ < options_.max_repair_attempts) {
        history.push_back({{"role", "assistant"}, {"content", text}});
        history.push_back({{"role", "user"}, {"content", RepairPrompt(problem, language)}});
        continue;
      }
      core::Error error = core::Error::Transient(
          fmt::format("{}: {} (after {} repair attempt(s)): {}", what, problem,
                      options_.max_repair_attempts, net::BodyExcerpt(text)));
      error.code = "invalid_summary";
      return error;
    }
  }

  // The output limit to send for a visible answer of `max_tokens`: reasoning models count their
  // reasoning against it too (openai-python types/chat/completion_create_params.py,
  // max_completion_tokens "including visible output tokens and reasoning tokens"), so they get
  // headroom on top; OpenAI's reasoning guide suggests reserving about 25,000 tokens. Only the
  // tokens used are billed, so the headroom costs nothing unless the model reasons that long.
  int RequestLimit(int max_tokens) const {
    return reasoning_ ? max_tokens + options_.reasoning_headroom_tokens : max_tokens;
  }

  static std::int64_t ReasoningTokens(const json& body) {
    const json usage = body.value("usage", json::object());
    if (!usage.is_object()) return 0;
    const json details = usage.value("completion_tokens_details", json::object());
    if (!details.is_object()) return 0;
    const json tokens = details.value("reasoning_tokens", json());
    return tokens.is_number_integer() ? tokens.get<std::int64_t>() : 0;
  }

  net::HttpRequest Request(const json& messages, bool json_object, int max_tokens,
                           const json& schema) const {
    json body = {{"model", options_.model},
                 {"messages", messages},
                 {std::string(MaxTokensField()), max_tokens}};
    if (send_temperature_.load()) body["temperature"] = options_.temperature;
    if (send_reasoning_effort_.load()) body["reasoning_effort"] = options_.reasoning_effort;
    if (json_object) {
      body["response_format"] = {{"type", "json_object"}};
    } else {
      body["response_format"] = {
          {"type", "json_schema"},
          {"json_schema", {{"name", "call_summary"}, {"strict", true}, {"schema", schema}}}};
    }
    net::HttpRequest request;
    request.method = "POST";
    request.url = options_.base_url + "/chat/completions";
    request.timeout = options_.timeout;
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (!options_.api_key.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    }
    request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return request;
  }

  void RecordUsage(const json& body, const std::string& operation,
                   std::chrono::milliseconds latency,
                   std::vector<core::ProviderUsage>* usage) const {
    core::ProviderUsage u;
    u.provider = "openai-chat";
    u.model = options_.model;
    u.operation = operation;
    u.latency_ms = latency.count();
    std::int64_t cached = 0;
    if (auto it = body.find("usage"); it != body.end() && it->is_object()) {
      u.input_tokens = it->value("prompt_tokens", std::int64_t{0});
      u.output_tokens = it->value("completion_tokens", std::int64_t{0});
      if (auto details = it->find("prompt_tokens_details");
          details != it->end() && details->is_object()) {
        cached = details->value("cached_tokens", std::int64_t{0});
      }
    }
    u.cost_usd =
        EstimateChatCost(options_.prices, u.model, u.input_tokens, cached, u.output_tokens);
    usage->push_back(std::move(u));
  }

  core::TimePoint Now() const {
    return (options_.clock != nullptr ? *options_.clock : core::SystemClock::Instance()).Now();
  }

  openai::ErrorSettings Settings() const {
    return {options_.api_key_setting, options_.base_url_setting, options_.model_setting,
            options_.model, options_.api_key};
  }

  // The name of the output limit this server takes: OpenAI's current one unless the server
  // refused it (older servers), or the reverse for newer OpenAI models behind a proxy.
  std::string_view MaxTokensField() const {
    return legacy_max_tokens_.load() ? kMaxTokens : kMaxCompletionTokens;
  }

  net::HttpClient& http_;
  SummarizerOptions options_;
  std::atomic<bool> json_object_{false};
  std::atomic<bool> legacy_max_tokens_{false};
  bool reasoning_ = false;
  std::atomic<bool> send_temperature_{true};
  std::atomic<bool> send_reasoning_effort_{false};
};

}  // namespace

bool IsReasoningModel(std::string_view model) {
  auto family = [model](std::string_view prefix) {
    return model.substr(0, prefix.size()) == prefix &&
           (model.size() == prefix.size() || model[prefix.size()] == '-' ||
            model[prefix.size()] == '.');
  };
  if (family("o1") || family("o3") || family("o4")) return true;
  return family("gpt-5") && model.find("-chat") == std::string_view::npos;
}

bool IsKnownReasoningEffort(std::string_view effort) {
  for (std::string_view known : {"none", "minimal", "low", "medium", "high", "xhigh", "max"}) {
    if (effort == known) return true;
  }
  return false;
}

std::unique_ptr<Summarizer> MakeOpenAiSummarizer(net::HttpClient& http, SummarizerOptions options) {
  return std::make_unique<OpenAiSummarizer>(http, std::move(options));
}

}  // namespace callbrief::llm
