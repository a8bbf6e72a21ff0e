#include "analytics/questions.h"

#include <algorithm>

#include "analytics/scorecard.h"

namespace callbrief::analytics {
namespace {

using json = nlohmann::json;

std::size_t CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// Why `answer` is not one `question` takes; empty when it is.
std::string Unfit(const Question& question, const std::string& answer) {
  if (question.kind == kYesNo) {
    return answer == kYes || answer == kNo ? "" : "\"" + answer + "\" is not yes or no";
  }
  if (NormalizeForQuote(answer).empty()) return "the answer is empty";
  if (CodePoints(answer) > kMaxAnswerChars) {
    return "the answer is longer than " + std::to_string(kMaxAnswerChars) + " characters";
  }
  return "";
}

}  // namespace

std::vector<AnsweredQuestion> AnswerQuestions(std::span<const Question> questions,
                                              std::span<const QuestionAnswer> replies,
                                              std::span<const Segment> segments) {
  std::vector<AnsweredQuestion> out;
  for (const Question& question : questions) {
    AnsweredQuestion answered{.question = question};
    auto reply = std::find_if(replies.begin(), replies.end(), [&](const QuestionAnswer& r) {
      return r.question_id == question.id;
    });
    const bool has_quote =
        reply != replies.end() && reply->quote && !NormalizeForQuote(*reply->quote).empty();
    if (reply == replies.end()) {
      answered.refused = "the model gave no answer";
    } else if (!reply->answer) {
      // The call does not say; nothing to check.
    } else if (std::string why = Unfit(question, *reply->answer); !why.empty()) {
      answered.refused = why;
    } else if (!has_quote && question.kind == kYesNo && *reply->answer == kNo) {
      answered.answer = reply->answer;
    } else if (!has_quote) {
      answered.refused = "an answer without a quote";
    } else if (auto start = FindQuote(*reply->quote, kSideAny, segments)) {
      answered.answer = reply->answer;
      answered.quote = reply->quote;
      answered.quote_start_ms = start;
    } else {
      answered.quote = reply->quote;
      answered.refused = "the quote is not in the transcript";
    }
    out.push_back(std::move(answered));
  }
  return out;
}

json AnsweredQuestionToJson(const AnsweredQuestion& a) {
  auto optional = [](const auto& value) { return value ? json(*value) : json(nullptr); };
  return {{"id", a.question.id},
          {"question", a.question.question},
          {"kind", a.question.kind},
          {"answer", optional(a.answer)},
          {"quote", optional(a.quote)},
          {"quote_start_ms", optional(a.quote_start_ms)},
          {"refused", a.refused.empty() ? json(nullptr) : json(a.refused)}};
}

}  // namespace callbrief::analytics
