#include "llm/prompt.h"

#include <fmt/format.h>

namespace callbrief::llm {
namespace {

bool IsRussian(std::string_view language) { return language.empty() || language == "ru"; }

std::size_t CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::string_view Label(std::string_view speaker, bool russian) {
  if (speaker == "manager") return russian ? "Менеджер" : "Manager";
  if (speaker == "client") return russian ? "Клиент" : "Client";
  return speaker;
}

std::string Clock(std::int64_t ms) {
  std::int64_t s = ms / 1000;
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                   : fmt::format("{:02}:{:02}", s / 60, s % 60);
}

std::string RenderLine(const TranscriptLine& line, bool russian) {
  std::string_view label = Label(line.speaker, russian);
  return label.empty() ? fmt::format("[{}] {}\n", Clock(line.start_ms), line.text)
                       : fmt::format("[{}] {}: {}\n", Clock(line.start_ms), label, line.text);
}

constexpr char kRussianRules[] =
    "Ты — аналитик телефонных звонков отдела продаж. На входе — расшифровка звонка с метками "
    "времени; «Менеджер» — сотрудник компании, «Клиент» — собеседник (если меток говорящих нет, "
    "определи роли по смыслу). Составь деловое резюме звонка на русском языке строго по "
    "расшифровке; ничего не выдумывай, не пересказывай реплики дословно.\n"
    "Поля ответа:\n"
    "- summary: 2–5 предложений — о чём был звонок и чем закончился;\n"
    "- key_points: главные факты (цены, количества, сроки, договорённости), не больше 7;\n"
    "- tasks: конкретные обязательства и поручения; owner — кто выполняет («менеджер», «клиент» "
    "или имя), null если неясно; due — срок, как его назвали, или дата ГГГГ-ММ-ДД, null если "
    "срока нет;\n"
    "- client_request: чего хочет клиент, одной строкой; пустая строка, если запроса нет;\n"
    "- next_steps: что происходит дальше, одна-две строки;\n"
    "- sentiment: тон клиента — positive, neutral или negative;\n"
    "- call_kind: conversation (разговор), voicemail (автоответчик, голосовая почта), ivr "
    "(голосовое меню), wrong_number (ошиблись номером), no_speech (нет речи);\n"
    "- client_name и company: имя клиента и его компания, только если прозвучали, иначе null.";

constexpr char kEnglishRules[] =
    "You analyse sales phone calls. The input is a call transcript with timestamps; \"Manager\" "
    "is the company's employee, \"Client\" the other party (without speaker labels, infer the "
    "roles from the content). Write a business summary strictly from the transcript; invent "
    "nothing and do not retell lines verbatim. Write every text field in the language of the "
    "call ({}).\n"
    "Fields:\n"
    "- summary: 2-5 sentences: what the call was about and how it ended;\n"
    "- key_points: the main facts (prices, quantities, dates, agreements), at most 7;\n"
    "- tasks: concrete commitments; owner: who does it (manager, client or a name), null if "
    "unclear; due: the deadline as said or YYYY-MM-DD, null if none;\n"
    "- client_request: what the client wants, one line; empty if nothing;\n"
    "- next_steps: what happens next, one or two lines;\n"
    "- sentiment: the client's tone: positive, neutral or negative;\n"
    "- call_kind: conversation, voicemail (answering machine), ivr (voice menu), wrong_number, "
    "no_speech;\n"
    "- client_name and company: only if said, else null.";

// The scoring-only request (PromptKind::kScore): what to do is in ScorecardPrompt, which the user
// message carries; the system message only sets the role, so both designs send the same rules.
constexpr char kRussianScoreRole[] =
    "Ты — контролёр качества телефонных звонков отдела продаж. На входе — расшифровка звонка с "
    "метками времени; «Менеджер» — сотрудник компании, «Клиент» — собеседник (если меток "
    "говорящих нет, определи роли по смыслу). Оцени звонок по чек-листу строго по расшифровке; "
    "ничего не выдумывай.";
constexpr char kEnglishScoreRole[] =
    "You check the quality of sales phone calls. The input is a call transcript with "
    "timestamps; \"Manager\" is the company's employee, \"Client\" the other party (without "
    "speaker labels, infer the roles from the content). Score the call against the checklist "
    "strictly from the transcript; invent nothing.";

}  // namespace

std::string RenderTranscript(const std::vector<TranscriptLine>& lines, std::string_view language) {
  std::string out;
  bool russian = IsRussian(language);
  for (const auto& line : lines) out += RenderLine(line, russian);
  return out;
}

std::int64_t EstimateTokens(std::string_view text) {
  return static_cast<std::int64_t>((CodePoints(text) + 2) / 3);
}

std::vector<std::vector<TranscriptLine>> SplitTranscript(const std::vector<TranscriptLine>& lines,
                                                         std::string_view language,
                                                         std::int64_t budget) {
  std::vector<std::vector<TranscriptLine>> parts(1);
  std::int64_t used = 0;
  bool russian = IsRussian(language);
  for (const auto& line : lines) {
    std::int64_t tokens = EstimateTokens(RenderLine(line, russian));
    if (!parts.back().empty() && used + tokens > budget) {
      parts.emplace_back();
      used = 0;
    }
    parts.back().push_back(line);
    used += tokens;
  }
  return parts;
}

std::string SystemPrompt(std::string_view language, const PromptContext& context) {
  bool russian = IsRussian(language);
  std::string out = russian ? kRussianRules : fmt::format(kEnglishRules, language);
  if (context.kind == PromptKind::kScore) {
    out = russian ? kRussianScoreRole : kEnglishScoreRole;
    if (context.parts > 1) {
      out += russian ? fmt::format(
                           "\n\nЭто часть {} из {} длинного звонка: отвечай по этой части; "
                           "пункт, которого в ней нет, — no без цитаты.",
                           context.part, context.parts)
                     : fmt::format(
                           "\n\nThis is part {} of {} of a long call: answer from this part; "
                           "an item not in it is no without a quote.",
                           context.part, context.parts);
    }
  } else if (context.kind == PromptKind::kPart) {
    out += russian ? fmt::format(
                         "\n\nЭто часть {} из {} длинного звонка. Опиши только эту часть "
                         "по тем же правилам; call_kind — conversation, если в части "
                         "есть разговор.",
                         context.part, context.parts)
                   : fmt::format(
                         "\n\nThis is part {} of {} of a long call. Describe only this "
                         "part by the same rules; call_kind is conversation if the part "
                         "has a conversation.",
                         context.part, context.parts);
  } else if (context.kind == PromptKind::kMerge) {
    out += russian ? "\n\nНа входе — резюме последовательных частей одного длинного звонка в "
                     "формате JSON. Объедини их в одно резюме всего звонка по тем же правилам: "
                     "убери повторы, сохрани все задачи и договорённости, тон оцени по звонку в "
                     "целом."
                   : "\n\nThe input holds JSON summaries of consecutive parts of one long call. "
                     "Merge them into one summary of the whole call by the same rules: drop "
                     "repetitions, keep every task and agreement, judge the tone over the whole "
                     "call.";
  }
  if (context.embed_schema) {
    out += russian ? "\n\nОтветь одним JSON-объектом строго по этой JSON Schema, без пояснений и "
                     "без markdown:\n```json\n"
                   : "\n\nAnswer with one JSON object that follows this JSON Schema exactly, "
                     "without explanations or markdown:\n```json\n";
    out += (context.schema != nullptr ? *context.schema : SummarySchema()).dump();
    out += "\n```";
  }
  return out;
}

namespace {

// Direction, numbers, duration and manager, one per line.
std::string CallFacts(const SummaryInput& input, std::string_view language) {
  bool russian = IsRussian(language);
  std::string out;
  if (!input.direction.empty()) {
    bool incoming = input.direction == "incoming";
    out += russian ? fmt::format("Звонок: {}\n", incoming ? "входящий" : "исходящий")
                   : fmt::format("Call: {}\n", incoming ? "incoming" : "outgoing");
  }
  if (!input.from_number.empty()) {
    out += fmt::format("{}: {}\n", russian ? "От" : "From", input.from_number);
  }
  if (!input.to_number.empty()) {
    out += fmt::format("{}: {}\n", russian ? "Кому" : "To", input.to_number);
  }
  if (input.duration_seconds > 0) {
    int m = input.duration_seconds / 60, s = input.duration_seconds % 60;
    out += russian ? fmt::format("Длительность: {}м {}с\n", m, s)
                   : fmt::format("Duration: {}m {}s\n", m, s);
  }
  if (!input.manager_name.empty()) {
    out += fmt::format("{}: {}\n", russian ? "Менеджер" : "Manager", input.manager_name);
  }
  return out;
}

}  // namespace

std::string UserPrompt(const SummaryInput& input, const std::vector<TranscriptLine>& lines,
                       std::string_view language) {
  std::string out = CallFacts(input, language);
  out += IsRussian(language) ? "\nРасшифровка:\n" : "\nTranscript:\n";
  out += RenderTranscript(lines, language);
  return out;
}

std::string ScorecardPrompt(const std::vector<ChecklistItem>& checklist,
                            std::string_view language) {
  if (checklist.empty()) return "";
  const bool russian = IsRussian(language);
  std::string out =
      russian
          ? "\nЧек-лист (поле scorecard): ответь на каждый пункт — yes (да), no (нет) или na (не "
            "применимо к этому звонку). quote — дословная цитата из расшифровки, которая это "
            "доказывает: слова ровно как в расшифровке, без времени и имени говорящего, из реплик "
            "указанной стороны. Для yes цитата обязательна; для no — null, если доказать нечем; "
            "для na — null. Не перефразируй: цитату проверяет программа, и пункт с цитатой, "
            "которой нет в расшифровке, не засчитывается.\n"
          : "\nChecklist (the scorecard field): answer every item yes, no or na (not applicable "
            "to this call). quote: a verbatim quote from the transcript proving it, the words "
            "exactly as in the transcript, without the time and speaker label, from the lines of "
            "the side named. A quote is required for yes; for no it is null when there is nothing "
            "to quote; for na null. Do not paraphrase: a program checks the quote, and an item "
            "whose quote is not in the transcript does not count.\n";
  for (const ChecklistItem& item : checklist) {
    std::string_view side = item.side == "client"    ? (russian ? "клиент" : "client")
                            : item.side == "manager" ? (russian ? "менеджер" : "manager")
                                                     : (russian ? "любая сторона" : "either side");
    out += fmt::format("- {} [{}]: {}\n", item.id, side, item.question);
  }
  return out;
}

std::string QuestionsPrompt(const std::vector<QuestionItem>& questions, std::string_view language) {
  if (questions.empty()) return "";
  const bool russian = IsRussian(language);
  std::string out =
      russian
          ? "\nВопросы (поле answers): ответь на каждый. answer — yes или no для вопросов "
            "[да/нет], короткий текст (не длиннее 200 символов) для вопросов [текст]; null, если "
            "в звонке об этом ничего нет. quote — дословная цитата из расшифровки, из которой "
            "виден "
            "ответ, по тем же правилам, что и в чек-листе; для no без доказательства — null. Ответ "
            "с цитатой, которой нет в расшифровке, не засчитывается.\n"
          : "\nQuestions (the answers field): answer each. answer: yes or no for [yes/no] "
            "questions, a short text (at most 200 characters) for [text] questions; null when the "
            "call says nothing about it. quote: a verbatim quote from the transcript that shows "
            "the answer, by the same rules as the checklist; null for a no with nothing to quote. "
            "An answer whose quote is not in the transcript does not count.\n";
  for (const QuestionItem& item : questions) {
    std::string_view kind =
        item.kind == "text" ? (russian ? "текст" : "text") : (russian ? "да/нет" : "yes/no");
    out += fmt::format("- {} [{}]: {}\n", item.id, kind, item.question);
  }
  return out;
}

std::string MergePrompt(const SummaryInput& input, const std::vector<CallSummary>& parts,
                        std::string_view language) {
  std::string out = CallFacts(input, language);
  bool russian = IsRussian(language);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out +=
        fmt::format("\n{} {}:\n{}\n", russian ? "Часть" : "Part", i + 1, parts[i].ToJson().dump());
  }
  return out;
}

std::string RepairPrompt(std::string_view problem, std::string_view language) {
  return IsRussian(language)
             ? fmt::format(
                   "Ответ не подходит: {}. Пришли исправленный ответ — только один "
                   "JSON-объект по схеме, со всеми полями.",
                   problem)
             : fmt::format(
                   "The answer is not valid: {}. Send the corrected answer: only one JSON "
                   "object following the schema, with every field.",
                   problem);
}

}  // namespace callbrief::llm
