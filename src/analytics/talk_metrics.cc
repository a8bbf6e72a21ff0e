#include "analytics/talk_metrics.h"

#include <algorithm>
#include <cmath>

namespace callbrief::analytics {
namespace {

using json = nlohmann::json;

struct Interval {
  std::int64_t start = 0;
  std::int64_t end = 0;  // exclusive; end > start
};

constexpr std::string_view kManager = "manager";
constexpr std::string_view kClient = "client";

// The time covered by any of the intervals, as disjoint intervals in order.
std::vector<Interval> Union(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> out;
  for (const Interval& i : intervals) {
    if (!out.empty() && i.start <= out.back().end) {
      out.back().end = std::max(out.back().end, i.end);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

std::int64_t Length(const std::vector<Interval>& disjoint) {
  std::int64_t total = 0;
  for (const Interval& i : disjoint) total += i.end - i.start;
  return total;
}

// Time covered by both of two disjoint, ordered interval lists.
std::int64_t Intersection(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::int64_t total = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const std::int64_t start = std::max(a[i].start, b[j].start);
    const std::int64_t end = std::min(a[i].end, b[j].end);
    if (end > start) total += end - start;
    if (a[i].end < b[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return total;
}

// The first interval of `disjoint` that ends after `t`, or end().
std::vector<Interval>::const_iterator FirstEndingAfter(const std::vector<Interval>& disjoint,
                                                       std::int64_t t) {
  return std::upper_bound(disjoint.begin(), disjoint.end(), t,
                          [](std::int64_t value, const Interval& i) { return value < i.end; });
}

bool SpeaksWithin(const std::vector<Interval>& disjoint, std::int64_t from, std::int64_t to) {
  auto it = FirstEndingAfter(disjoint, from);
  return it != disjoint.end() && it->start < to;
}

// A side's speech resumed after a pause shorter than kMonologueMaxPauseMs, with the other side
// silent for the whole pause, continues the monologue; the other side talking over it does not
// end it (the side kept talking).
std::int64_t LongestMonologueMs(const std::vector<Interval>& own,
                                const std::vector<Interval>& other) {
  std::int64_t longest = 0;
  size_t run_start = 0;
  for (size_t i = 0; i < own.size(); ++i) {
    if (i > 0) {
      const std::int64_t pause_from = own[i - 1].end;
      const std::int64_t pause_to = own[i].start;
      if (pause_to - pause_from >= kMonologueMaxPauseMs ||
          SpeaksWithin(other, pause_from, pause_to)) {
        run_start = i;
      }
    }
    longest = std::max(longest, own[i].end - own[run_start].start);
  }
  return longest;
}

// An interval of `own` speech that starts strictly inside the other side's speech and then
// overlaps it by at least kInterruptionMinOverlapMs. Both starting at the same moment is not an
// interruption: neither was speaking yet.
int Interruptions(const std::vector<Interval>& own, const std::vector<Interval>& other) {
  int count = 0;
  for (const Interval& mine : own) {
    auto it = FirstEndingAfter(other, mine.start);
    if (it == other.end() || it->start >= mine.start) continue;
    if (std::min(mine.end, it->end) - mine.start >= kInterruptionMinOverlapMs) ++count;
  }
  return count;
}

double Seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }
double Round(double value, double per_unit) { return std::round(value * per_unit) / per_unit; }
double Share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? Round(static_cast<double>(part) / static_cast<double>(whole), 1000) : 0.0;
}
std::optional<double> PerMinute(int words, std::int64_t ms) {
  if (ms <= 0) return std::nullopt;
  return Round(words * 60'000.0 / static_cast<double>(ms), 10);
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

json OrNull(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

int CountWords(std::string_view text) {
  int words = 0;
  bool in_token = false, counted = false;
  for (char c : text) {
    if (IsSpace(c)) {
      in_token = false;
      continue;
    }
    if (!in_token) {
      in_token = true;
      counted = false;
    }
    // UTF-8 lead bytes 0xC2 (U+0080–U+00BF: «, », no-break space) and 0xE2 (U+2000–U+2FFF:
    // dashes, “”, …, arrows) start punctuation and symbols; every other non-ASCII character
    // (Cyrillic, accented Latin, …) is taken for a letter. Continuation bytes decide nothing.
    const auto u = static_cast<unsigned char>(c);
    const bool wordy = (u >= 0xC3 && u != 0xE2) || (u >= '0' && u <= '9') ||
                       (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
    if (wordy && !counted) {
      ++words;
      counted = true;
    }
  }
  return words;
}

int CountQuestions(std::string_view text) {
  int questions = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '?' && text[i] != '!') {
      ++i;
      continue;
    }
    bool has_question_mark = false;
    while (i < text.size() && (text[i] == '?' || text[i] == '!')) {
      has_question_mark = has_question_mark || text[i] == '?';
      ++i;
    }
    const bool ends_sentence = i == text.size() || IsSpace(text[i]) || text[i] == '"' ||
                               text[i] == '\'' || text[i] == ')' || text.substr(i).starts_with("»");
    if (has_question_mark && ends_sentence) ++questions;
  }
  return questions;
}

std::optional<TalkMetrics> ComputeTalkMetrics(std::span<const Segment> segments) {
  if (segments.empty()) return std::nullopt;
  bool two_party = true;
  std::vector<Interval> all, manager, client;
  std::int64_t first_start = INT64_MAX, last_end = 0;
  std::optional<std::int64_t> first_client_word_ms;
  int manager_words = 0, client_words = 0, manager_questions = 0, client_questions = 0;
  TalkMetrics m;
  for (const Segment& s : segments) {
    const std::int64_t start = std::max<std::int64_t>(s.start_ms, 0);
    const std::int64_t end = std::max(start, s.end_ms);
    first_start = std::min(first_start, start);
    last_end = std::max(last_end, end);
    if (end > start) all.push_back({start, end});
    const int words = CountWords(s.text);
    const int questions = CountQuestions(s.text);
    m.words += words;
    m.questions += questions;
    if (s.speaker == kManager) {
      if (end > start) manager.push_back({start, end});
      manager_words += words;
      manager_questions += questions;
    } else if (s.speaker == kClient) {
      if (end > start) client.push_back({start, end});
      client_words += words;
      client_questions += questions;
      if (words > 0 && (!first_client_word_ms || start < *first_client_word_ms)) {
        first_client_word_ms = start;
      }
    } else {
      two_party = false;
    }
  }

  const std::vector<Interval> speech = Union(std::move(all));
  const std::int64_t conversation_ms = last_end - first_start;
  const std::int64_t speech_ms = Length(speech);
  std::int64_t longest_silence_ms = 0;
  for (size_t i = 1; i < speech.size(); ++i) {
    longest_silence_ms = std::max(longest_silence_ms, speech[i].start - speech[i - 1].end);
  }
  m.layout = two_party ? "two_party" : "mono";
  m.conversation_seconds = Seconds(conversation_ms);
  m.speech_seconds = Seconds(speech_ms);
  m.mutual_silence_seconds = Seconds(conversation_ms - speech_ms);
  m.mutual_silence_share = Share(conversation_ms - speech_ms, conversation_ms);
  m.longest_silence_seconds = Seconds(longest_silence_ms);
  m.words_per_minute = PerMinute(m.words, speech_ms);
  if (!m.words_per_minute) {
    m.absent.push_back({"words_per_minute", "the transcript's segments have no duration"});
  }

  if (!two_party) {
    const std::string why =
        "mono recording: both sides share one channel, so who spoke when is not known";
    for (const char* name :
         {"talk_seconds_manager", "talk_seconds_client", "talk_share_manager", "talk_share_client",
          "longest_monologue_manager_seconds", "longest_monologue_client_seconds",
          "interruptions_by_manager", "interruptions_by_client", "overlap_seconds",
          "words_per_minute_manager", "words_per_minute_client", "questions_manager",
          "questions_client", "time_to_first_client_word_seconds"}) {
      m.absent.push_back({name, why});
    }
    return m;
  }

  manager = Union(std::move(manager));
  client = Union(std::move(client));
  const std::int64_t manager_ms = Length(manager), client_ms = Length(client);
  const std::int64_t talk_ms = manager_ms + client_ms;
  m.overlap_seconds = Seconds(Intersection(manager, client));
  auto side = [&](const std::vector<Interval>& own, const std::vector<Interval>& other,
                  std::int64_t own_ms, int words, int questions) {
    return SideMetrics{.talk_seconds = Seconds(own_ms),
                       .talk_share = Share(own_ms, talk_ms),
                       .longest_monologue_seconds = Seconds(LongestMonologueMs(own, other)),
                       .interruptions = Interruptions(own, other),
                       .words_per_minute = PerMinute(words, own_ms),
                       .questions = questions,
                       .words = words};
  };
  m.manager = side(manager, client, manager_ms, manager_words, manager_questions);
  m.client = side(client, manager, client_ms, client_words, client_questions);
  if (!m.manager->words_per_minute) {
    m.absent.push_back({"words_per_minute_manager", "the manager did not speak"});
  }
  if (!m.client->words_per_minute) {
    m.absent.push_back({"words_per_minute_client", "the client did not speak"});
  }
  if (first_client_word_ms) {
    m.time_to_first_client_word_seconds = Seconds(*first_client_word_ms);
  } else {
    m.absent.push_back({"time_to_first_client_word_seconds", "the client did not speak"});
  }
  return m;
}

json TalkMetricsToJson(const TalkMetrics& m) {
  const bool sides = m.manager && m.client;
  auto per_side = [&](auto get) -> std::pair<json, json> {
    if (!sides) return {json(nullptr), json(nullptr)};
    return {get(*m.manager), get(*m.client)};
  };
  json out = {
      {"layout", m.layout},
      {"conversation_seconds", m.conversation_seconds},
      {"speech_seconds", m.speech_seconds},
      {"mutual_silence_seconds", m.mutual_silence_seconds},
      {"mutual_silence_share", m.mutual_silence_share},
      {"longest_silence_seconds", m.longest_silence_seconds},
      {"overlap_seconds", sides ? json(m.overlap_seconds) : json(nullptr)},
      {"words", m.words},
      {"words_per_minute", OrNull(m.words_per_minute)},
      {"questions", m.questions},
      {"time_to_first_client_word_seconds", OrNull(m.time_to_first_client_word_seconds)},
  };
  auto add = [&](const std::string& manager_key, const std::string& client_key, auto get) {
    auto [manager, client] = per_side(get);
    out[manager_key] = std::move(manager);
    out[client_key] = std::move(client);
  };
  add("talk_seconds_manager", "talk_seconds_client",
      [](const SideMetrics& s) { return json(s.talk_seconds); });
  add("talk_share_manager", "talk_share_client",
      [](const SideMetrics& s) { return json(s.talk_share); });
  add("longest_monologue_manager_seconds", "longest_monologue_client_seconds",
      [](const SideMetrics& s) { return json(s.longest_monologue_seconds); });
  add("interruptions_by_manager", "interruptions_by_client",
      [](const SideMetrics& s) { return json(s.interruptions); });
  add("words_per_minute_manager", "words_per_minute_client",
      [](const SideMetrics& s) { return OrNull(s.words_per_minute); });
  add("questions_manager", "questions_client",
      [](const SideMetrics& s) { return json(s.questions); });
  out["thresholds"] = {{"monologue_max_pause_seconds", Seconds(kMonologueMaxPauseMs)},
                       {"interruption_min_overlap_seconds", Seconds(kInterruptionMinOverlapMs)}};
  json absent = json::array();
  for (const AbsentMetric& a : m.absent) {
    absent.push_back({{"metric", a.metric}, {"reason", a.reason}});
  }
  out["absent"] = std::move(absent);
  return out;
}

}  // namespace callbrief::analytics
