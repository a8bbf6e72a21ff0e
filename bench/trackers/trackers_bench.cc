// What trackers cost when a transcript is stored (issue 17, item 2): the store finds every
// tracker's phrases in the transcript inside the transaction that writes it
// (CallStore::FinishStage with segments). A one-hour call's transcript (~9,000 words in 600
// lines) is stored again and again on a fresh SQLite database with no trackers, with 10 trackers
// of 10 phrases, and with the limit of 100 trackers of 100 phrases each. Run by scripts/bench
// trackers (bench/trackers/run.sh); prints Markdown.
// Usage: store_trackers_bench [RUNS_PER_CASE]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "store/call_store.h"
#include "store/sqlite_store.h"

namespace {

using namespace callbrief;

// Words of office-furniture sales calls, in several forms, so stems repeat as in speech.
const std::vector<std::string> kVocabulary = {
    "договор", "договора", "заказ",     "заказы",     "доставка",   "доставку", "счёт",
    "счета",   "кресло",   "кресла",    "стол",       "столы",      "цена",     "цену",
    "дорого",  "скидка",   "скидку",    "поставщик",  "поставщика", "другой",   "менеджер",
    "клиент",  "завтра",   "пятницу",   "оплата",     "оплату",     "привезти", "отменить",
    "отменю",  "подумаю",  "перезвоню", "конкуренты", "дешевле",    "модель",   "цвет",
    "чёрный",  "офис",     "компания",  "да",         "нет",        "хорошо",   "спасибо"};

std::vector<store::TranscriptSegment> OneHourTranscript(std::mt19937& rng) {
  std::vector<store::TranscriptSegment> segments;
  for (int i = 0; i < 600; ++i) {
    std::string text;
    for (int w = 0; w < 15; ++w) {
      text += (w == 0 ? "" : " ") + kVocabulary[rng() % kVocabulary.size()];
    }
    segments.push_back({.index = i,
                        .start_ms = i * 6000,
                        .end_ms = i * 6000 + 5500,
                        .speaker = i % 2 == 0 ? "manager" : "client",
                        .text = text + "."});
  }
  return segments;
}

// `count` trackers of `phrases` phrases of one to three words each.
std::vector<store::Tracker> Trackers(int count, int phrases, std::mt19937& rng) {
  std::vector<store::Tracker> trackers;
  for (int t = 0; t < count; ++t) {
    store::Tracker tracker{.name = fmt::format("Трекер {}", t)};
    for (int p = 0; p < phrases; ++p) {
      std::string phrase = fmt::format("слово{}x{}", t, p);  // Unique, so none is a repeat.
      for (int w = 0; w < static_cast<int>(rng() % 3); ++w) {
        phrase += " " + kVocabulary[rng() % kVocabulary.size()];
      }
      // One phrase in ten of a tracker is a real word of the calls, so there are hits.
      if (p % 10 == 0) phrase = kVocabulary[rng() % kVocabulary.size()] + " " + phrase;
      if (p % 10 == 5) phrase = kVocabulary[rng() % kVocabulary.size()];
      tracker.phrases.push_back(phrase);
    }
    trackers.push_back(std::move(tracker));
  }
  return trackers;
}

struct Case {
  const char* label;
  int trackers;
  int phrases;
};

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // The WAL checkpoint lines would break the table.
  const int runs = argc > 1 ? std::max(3, std::atoi(argv[1])) : 20;
  std::mt19937 rng(17);
  const auto transcript = OneHourTranscript(rng);
  std::printf("| trackers × phrases | hits stored | median ms per transcript stored | min ms |\n");
  std::printf("|---|---|---|---|\n");
  for (const Case& c : {Case{"none", 0, 0}, Case{"10 × 10", 10, 10}, Case{"100 × 100", 100, 100}}) {
    const auto dir = std::filesystem::temp_directory_path() /
                     fmt::format("callbrief-trackers-bench-{}-{}", getpid(), c.trackers);
    std::filesystem::create_directories(dir);
    {
      auto opened = store::OpenSqliteStore({.path = (dir / "bench.db").string()});
      if (!opened) {
        std::fprintf(stderr, "%s\n", opened.error().message.c_str());
        return 1;
      }
      store::CallStore& s = **opened;
      for (const store::Tracker& tracker : Trackers(c.trackers, c.phrases, rng)) {
        if (auto saved = s.SaveTracker(tracker, 0); !saved) {
          std::fprintf(stderr, "%s\n", saved.error().message.c_str());
          return 1;
        }
      }
      std::vector<double> ms;
      std::size_t hits = 0;
      for (int run = 0; run < runs; ++run) {
        store::IncomingCall call;
        call.bitrix_call_id = fmt::format("bench.{}", run);
        call.received_at_ms = 1000 + run;
        auto recorded = s.RecordIncomingCalls(std::span(&call, 1));
        auto claimed = s.ClaimDueCall("bench", 1'000'000, 60'000, {});
        if (!recorded || !claimed || !*claimed) return 1;
        store::StageOutcome o{.call_id = (*claimed)->id,
                              .lease_owner = "bench",
                              .lease_epoch = (*claimed)->lease_epoch,
                              .ran = store::Stage::kTranscribe,
                              .next = store::Stage::kDone,
                              .segments = transcript};
        const auto started = std::chrono::steady_clock::now();
        if (auto finished = s.FinishStage(o); !finished) {
          std::fprintf(stderr, "%s\n", finished.error().message.c_str());
          return 1;
        }
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count());
        auto details = s.FindCall(std::to_string((*claimed)->id));
        if (details && *details) hits = (*details)->tracker_hits.size();
      }
      std::sort(ms.begin(), ms.end());
      std::printf("| %s | %zu | %.2f | %.2f |\n", c.label, hits, ms[ms.size() / 2], ms.front());
    }
    std::filesystem::remove_all(dir);
  }
  return 0;
}
