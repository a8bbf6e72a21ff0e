#include "analytics/scorecard.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/utf8.h"

namespace callbrief::analytics {
namespace {

using json = nlohmann::json;

// The next code point of `text` from `*i` (advanced past it); an invalid byte reads as itself.
char32_t NextCodePoint(std::string_view text, std::size_t* i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(*i);
  int length = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 0;
  if (length <= 1 || *i + length > text.size()) {
    ++*i;
    return lead;
  }
  char32_t cp = lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return lead;
    }
    cp = (cp << 6) | (byte(*i + k) & 0x3F);
  }
  *i += length;
  return cp;
}

// Letters and digits are kept (lower case, ё → е); ASCII punctuation and symbols, Latin-1
// punctuation (« » included), general punctuation and symbols (U+2000–U+2BFF: dashes, “ ”, …)
// separate words.
bool Separates(char32_t cp) {
  if (cp < 0x80) return !std::isalnum(static_cast<int>(cp));
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
         (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFEFF;
}

char32_t Lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;    // А–Я
  if (cp == 0x401 || cp == 0x451) return 0x435;  // Ё, ё → е
  return cp;
}

bool IsSide(std::string_view side) {
  return side == kSideManager || side == kSideClient || side == kSideAny;
}

bool IsIdentifier(const std::string& id) {
  return !id.empty() && id.size() <= 40 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::size_t CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

void ReadCriterion(const json& in, const std::string& path, std::vector<std::string>* problems,
                   Criterion* out) {
  if (!in.is_object()) {
    problems->push_back(path + ": expected an object");
    return;
  }
  const json id = in.value("id", json());
  if (!id.is_string() || !IsIdentifier(id.get<std::string>())) {
    problems->push_back(path + ".id: must be 1-40 characters a-z, 0-9, _");
  } else {
    out->id = id.get<std::string>();
  }
  const json question = in.value("question", json());
  if (!question.is_string() || NormalizeForQuote(question.get<std::string>()).empty() ||
      CodePoints(question.get<std::string>()) > kMaxQuestionChars) {
    problems->push_back(path + ".question: must be a non-empty text of at most " +
                        std::to_string(kMaxQuestionChars) + " characters");
  } else {
    out->question = question.get<std::string>();
  }
  const json weight = in.value("weight", json(1));
  if (!weight.is_number_integer() || weight.get<std::int64_t>() < 1 ||
      weight.get<std::int64_t>() > kMaxWeight) {
    problems->push_back(path + ".weight: must be an integer 1.." + std::to_string(kMaxWeight));
  } else {
    out->weight = weight.get<int>();
  }
  const json critical = in.value("critical", json(false));
  if (!critical.is_boolean()) {
    problems->push_back(path + ".critical: must be true or false");
  } else {
    out->critical = critical.get<bool>();
  }
  const json side = in.value("side", json(kSideManager));
  if (!side.is_string() || !IsSide(side.get<std::string>())) {
    problems->push_back(path + ".side: must be \"manager\", \"client\" or \"any\"");
  } else {
    out->side = side.get<std::string>();
  }
}

void ReadQuestions(const json& in, std::vector<std::string>* problems, std::vector<Question>* out) {
  if (!in.is_array() || in.size() > kMaxQuestions) {
    problems->push_back("questions: must be a list of at most " + std::to_string(kMaxQuestions) +
                        " questions");
    return;
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::string path = "questions[" + std::to_string(i) + "]";
    if (!in[i].is_object()) {
      problems->push_back(path + ": expected an object");
      continue;
    }
    Question question;
    const json id = in[i].value("id", json());
    if (!id.is_string() || !IsIdentifier(id.get<std::string>())) {
      problems->push_back(path + ".id: must be 1-40 characters a-z, 0-9, _");
    } else if (std::any_of(out->begin(), out->end(),
                           [&](const Question& q) { return q.id == id.get<std::string>(); })) {
      problems->push_back(path + ".id: \"" + id.get<std::string>() + "\" is used twice");
    } else {
      question.id = id.get<std::string>();
    }
    const json text = in[i].value("question", json());
    if (!text.is_string() || NormalizeForQuote(text.get<std::string>()).empty() ||
        CodePoints(text.get<std::string>()) > kMaxQuestionChars) {
      problems->push_back(path + ".question: must be a non-empty text of at most " +
                          std::to_string(kMaxQuestionChars) + " characters");
    } else {
      question.question = text.get<std::string>();
    }
    const json kind = in[i].value("kind", json(kYesNo));
    if (!kind.is_string() ||
        (kind.get<std::string>() != kYesNo && kind.get<std::string>() != kText)) {
      problems->push_back(path + ".kind: must be \"yes_no\" or \"text\"");
    } else {
      question.kind = kind.get<std::string>();
    }
    out->push_back(std::move(question));
  }
}

// The normalized text of one side's lines, with where each segment's text begins in it.
struct SideText {
  std::string text = " ";  // words separated by single spaces, a space at each end
  std::vector<std::pair<std::size_t, std::int64_t>> starts{};  // offset → segment start_ms
};

SideText TextOf(std::string_view side, std::span<const Segment> segments) {
  std::vector<const Segment*> lines;
  for (const Segment& s : segments) {
    if (side == kSideAny || s.speaker.empty() || s.speaker == side) lines.push_back(&s);
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const Segment* a, const Segment* b) { return a->start_ms < b->start_ms; });
  SideText out;
  for (const Segment* s : lines) {
    std::string words = NormalizeForQuote(s->text);
    if (words.empty()) continue;
    out.starts.emplace_back(out.text.size(), std::max<std::int64_t>(0, s->start_ms));
    out.text += words + " ";
  }
  return out;
}

std::string_view SideName(std::string_view side) {
  if (side == kSideManager) return "the manager's lines";
  if (side == kSideClient) return "the client's lines";
  return "the transcript";
}

}  // namespace

Checklist DefaultSalesChecklist() {
  Checklist c{.id = "sales", .name = "Продажи: базовый скрипт"};
  c.criteria = {
      {"greeting", "Менеджер поздоровался и назвал своё имя и компанию?", 1, false, "manager"},
      {"need", "Менеджер выяснил потребность клиента (задал вопросы о задаче, объёме, сроках)?", 2,
       false, "manager"},
      {"offer", "Менеджер сделал предложение и назвал цену или условия?", 2, false, "manager"},
      {"objection",
       "Если клиент возражал (дорого, подумаю, уже есть поставщик), менеджер отработал "
       "возражение? Если возражений не было — na.",
       2, false, "manager"},
      {"next_step", "Договорились о следующем шаге с конкретной датой или временем?", 3, true,
       "any"},
      {"close", "Менеджер вежливо завершил разговор (поблагодарил, попрощался)?", 1, false,
       "manager"},
  };
  return c;
}

core::Result<Checklist> ChecklistFromJson(const json& in) {
  std::vector<std::string> problems;
  Checklist out;
  if (!in.is_object()) return core::Error::InvalidInput("the checklist must be a JSON object");
  const json id = in.value("id", json());
  if (!id.is_string() || !IsIdentifier(id.get<std::string>())) {
    problems.push_back("id: must be 1-40 characters a-z, 0-9, _");
  } else {
    out.id = id.get<std::string>();
  }
  const json name = in.value("name", json());
  if (!name.is_string() || NormalizeForQuote(name.get<std::string>()).empty() ||
      CodePoints(name.get<std::string>()) > kMaxQuestionChars) {
    problems.push_back("name: must be a non-empty text of at most " +
                       std::to_string(kMaxQuestionChars) + " characters");
  } else {
    out.name = name.get<std::string>();
  }
  const json criteria = in.value("criteria", json::array());
  const json questions = in.value("questions", json::array());
  ReadQuestions(questions, &problems, &out.questions);
  const bool asks_questions = questions.is_array() && !questions.empty();
  if (!criteria.is_array() || (criteria.empty() && !asks_questions) ||
      criteria.size() > kMaxCriteria) {
    problems.push_back("criteria: must be a list of 1.." + std::to_string(kMaxCriteria) +
                       " criteria (or none when the checklist has questions)");
  } else {
    for (std::size_t i = 0; i < criteria.size(); ++i) {
      Criterion criterion;
      ReadCriterion(criteria[i], "criteria[" + std::to_string(i) + "]", &problems, &criterion);
      const bool repeated =
          !criterion.id.empty() &&
          (std::any_of(out.criteria.begin(), out.criteria.end(),
                       [&](const Criterion& c) { return c.id == criterion.id; }) ||
           std::any_of(out.questions.begin(), out.questions.end(),
                       [&](const Question& q) { return q.id == criterion.id; }));
      if (repeated) {
        problems.push_back("criteria[" + std::to_string(i) + "].id: \"" + criterion.id +
                           "\" is used twice");
      }
      out.criteria.push_back(std::move(criterion));
    }
  }
  if (!problems.empty()) {
    std::string message = "the checklist is not valid: ";
    for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    return core::Error::InvalidInput(message);
  }
  return out;
}

json ChecklistToJson(const Checklist& checklist) {
  json criteria = json::array();
  for (const Criterion& c : checklist.criteria) {
    criteria.push_back({{"id", c.id},
                        {"question", c.question},
                        {"weight", c.weight},
                        {"critical", c.critical},
                        {"side", c.side}});
  }
  json questions = json::array();
  for (const Question& q : checklist.questions) {
    questions.push_back({{"id", q.id}, {"question", q.question}, {"kind", q.kind}});
  }
  return {{"id", checklist.id},
          {"name", checklist.name},
          {"criteria", std::move(criteria)},
          {"questions", std::move(questions)}};
}

std::string NormalizeForQuote(std::string_view text) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = NextCodePoint(text, &i);
    if (Separates(cp)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    core::AppendUtf8(Lower(cp), &out);
  }
  return out;
}

std::optional<std::int64_t> FindQuote(std::string_view quote, std::string_view side,
                                      std::span<const Segment> segments) {
  const std::string words = NormalizeForQuote(quote);
  if (words.empty()) return std::nullopt;
  const SideText said = TextOf(side, segments);
  // Spaces at both ends of the needle: whole words only ("да" is not found in "когда").
  const std::size_t at = said.text.find(" " + words + " ");
  if (at == std::string::npos) return std::nullopt;
  // The segment the match begins in: the last one starting at or before it.
  auto it = std::upper_bound(said.starts.begin(), said.starts.end(), at + 1,
                             [](std::size_t offset, const auto& s) { return offset < s.first; });
  return std::prev(it)->second;
}

Scorecard ScoreConversation(const Checklist& checklist, std::span<const CriterionAnswer> answers,
                            std::span<const Segment> segments,
                            std::span<const QuestionAnswer> replies) {
  Scorecard out{.checklist_id = checklist.id, .checklist_name = checklist.name};
  int met = 0, counted = 0;
  for (const Criterion& criterion : checklist.criteria) {
    ScoredCriterion scored{.criterion = criterion, .verdict = std::string(kUnanswered)};
    auto answer = std::find_if(answers.begin(), answers.end(), [&](const CriterionAnswer& a) {
      return a.criterion_id == criterion.id;
    });
    const bool has_quote =
        answer != answers.end() && answer->quote && !NormalizeForQuote(*answer->quote).empty();
    if (answer == answers.end()) {
      scored.refused = "the model gave no answer";
    } else if (answer->verdict == kNotApplicable) {
      scored.verdict = kNotApplicable;
    } else if (answer->verdict != kYes && answer->verdict != kNo) {
      scored.refused = "unknown verdict \"" + answer->verdict + "\"";
    } else if (!has_quote && answer->verdict == kYes) {
      scored.refused = "\"yes\" without a quote";
    } else if (!has_quote) {
      scored.verdict = kNo;
    } else if (auto start = FindQuote(*answer->quote, criterion.side, segments)) {
      scored.verdict = answer->verdict;
      scored.quote = answer->quote;
      scored.quote_start_ms = start;
    } else {
      scored.quote = answer->quote;
      scored.refused = "the quote is not in " + std::string(SideName(criterion.side));
    }
    if (scored.verdict == kUnanswered) ++out.unanswered;
    if (scored.verdict != kNotApplicable) counted += criterion.weight;
    if (scored.verdict == kYes) met += criterion.weight;
    if (scored.verdict == kNo && criterion.critical) out.failed_critical.push_back(criterion.id);
    out.criteria.push_back(std::move(scored));
  }
  if (counted > 0) out.score = static_cast<int>(std::lround(100.0 * met / counted));
  out.answers = AnswerQuestions(checklist.questions, replies, segments);
  return out;
}

json ScorecardToJson(const Scorecard& scorecard) {
  json answers = json::array();
  for (const AnsweredQuestion& a : scorecard.answers) answers.push_back(AnsweredQuestionToJson(a));
  json criteria = json::array();
  for (const ScoredCriterion& c : scorecard.criteria) {
    criteria.push_back(
        {{"id", c.criterion.id},
         {"question", c.criterion.question},
         {"weight", c.criterion.weight},
         {"critical", c.criterion.critical},
         {"side", c.criterion.side},
         {"verdict", c.verdict},
         {"quote", c.quote ? json(*c.quote) : json(nullptr)},
         {"quote_start_ms", c.quote_start_ms ? json(*c.quote_start_ms) : json(nullptr)},
         {"refused", c.refused.empty() ? json(nullptr) : json(c.refused)}});
  }
  return {{"checklist_id", scorecard.checklist_id},
          {"checklist_name", scorecard.checklist_name},
          {"score", scorecard.score ? json(*scorecard.score) : json(nullptr)},
          {"critical_failed", !scorecard.failed_critical.empty()},
          {"failed_critical", scorecard.failed_critical},
          {"unanswered", scorecard.unanswered},
          {"criteria", std::move(criteria)},
          {"answers", std::move(answers)}};
}

}  // namespace callbrief::analytics
