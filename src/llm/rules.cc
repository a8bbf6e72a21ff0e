// SummaryWithoutLlm: calls with no real conversation, recognised by rules.

#include <array>

#include "llm/summarizer.h"

namespace callbrief::llm {
namespace {

constexpr std::array kVoicemailPhrases = {
    "абонент не может ответить",
    "абонент не отвечает",
    "оставьте сообщение",
    "оставьте ваше сообщение",
    "после звукового сигнала",
    "голосовой почт",
    "автоответчик",
    "абонент недоступен",
    "аппарат абонента выключен",
    "вне зоны действия сети",
    "номер не существует",
    "неправильно набран номер",
    "набранный вами номер",
    "leave a message",
    "after the tone",
    "voicemail",
    "is not available",
};

constexpr std::array kIvrPhrases = {
    "нажмите",
    "ваш звонок очень важен",
    "оставайтесь на линии",
    "для связи с оператором",
    "в тональном режиме",
    "все операторы заняты",
    "press one",
    "press 1",
    "your call is important",
    "please hold",
};

// How many words the answering party may add before it counts as a conversation.
constexpr int kMaxManagerWords = 15;
constexpr int kMaxMonoWords = 60;
constexpr int kMaxNoSpeechWords = 3;

// Lower-cases ASCII and Cyrillic (ё → е) in UTF-8.
std::string Lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
      continue;
    }
    if (i + 1 < text.size()) {
      unsigned char n = static_cast<unsigned char>(text[i + 1]);
      char32_t cp = ((c & 0x1F) << 6) | (n & 0x3F);
      if ((c & 0xE0) == 0xC0 && cp >= 0x0400 && cp <= 0x045F) {
        if (cp >= 0x0410 && cp <= 0x042F) cp += 0x20;
        if (cp == 0x0401 || cp == 0x0451) cp = 0x0435;
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
        ++i;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

int Words(std::string_view text) {
  int words = 0;
  bool in_word = false;
  for (char c : text) {
    bool letter = std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80);
    words += letter && !in_word;
    in_word = letter;
  }
  return words;
}

template <std::size_t N>
bool Mentions(const std::string& text, const std::array<const char*, N>& phrases) {
  for (const char* phrase : phrases) {
    if (text.find(phrase) != std::string::npos) return true;
  }
  return false;
}

std::string Quote(const std::string& text) {
  constexpr std::size_t kMax = 200;
  if (text.size() <= kMax) return text;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

}  // namespace

std::optional<CallSummary> SummaryWithoutLlm(const SummaryInput& input) {
  const bool russian = input.language.empty() || input.language == "ru";
  int manager_words = 0, total_words = 0;
  std::string heard;  // What the other side (or a mono recording) said, as spoken.
  for (const TranscriptLine& line : input.transcript) {
    int words = Words(line.text);
    total_words += words;
    if (line.speaker == "manager") {
      manager_words += words;
    } else if (words > 0) {
      heard += (heard.empty() ? "" : " ") + line.text;
    }
  }
  const bool labelled = std::any_of(input.transcript.begin(), input.transcript.end(),
                                    [](const TranscriptLine& l) { return !l.speaker.empty(); });
  CallSummary out;
  out.sentiment = "neutral";
  if (total_words <= kMaxNoSpeechWords) {
    out.call_kind = std::string(kNoSpeech);
    out.summary = russian ? "В записи нет разговора: речи нет или только отдельные слова."
                          : "The recording has no conversation: no speech or only a few words.";
    return out;
  }
  const bool answered_by_machine =
      labelled ? manager_words <= kMaxManagerWords : total_words <= kMaxMonoWords;
  if (!answered_by_machine) return std::nullopt;
  const std::string lowered = Lower(heard);
  if (Mentions(lowered, kVoicemailPhrases)) {
    out.call_kind = std::string(kVoicemail);
    out.summary = russian ? "Звонок попал на автоответчик или голосовую почту, разговора не было."
                          : "The call reached an answering machine or voicemail; nobody talked.";
    out.key_points = {(russian ? "Автоответчик: «" : "Answering machine: \"") + Quote(heard) +
                      (russian ? "»" : "\"")};
    if (input.direction == "outgoing") {
      out.next_steps = russian ? "Перезвонить клиенту." : "Call the client back.";
    }
    return out;
  }
  if (Mentions(lowered, kIvrPhrases)) {
    out.call_kind = std::string(kIvr);
    out.summary = russian ? "Звонок попал в голосовое меню (IVR), разговора с человеком не было."
                          : "The call reached a voice menu (IVR); nobody talked.";
    out.key_points = {(russian ? "Голосовое меню: «" : "Voice menu: \"") + Quote(heard) +
                      (russian ? "»" : "\"")};
    if (input.direction == "outgoing") {
      out.next_steps = russian ? "Перезвонить клиенту." : "Call the client back.";
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace callbrief::llm
