// bench/scorecard (issue 16, item 5): the requests callbrief really sends for the two scorecard
// designs, captured by the OpenAI emulator, for the fixture conversations in calls.json:
//   summary                 — the summary request alone (no checklist): the baseline;
//   summary_with_checklist  — design A, the checklist answered inside the summary request;
//   score                   — design B, a second request answering only the checklist
//                             (llm::Summarizer::Score, also what re-scoring sends).
// Prints one JSON object a line: {call, request, body, completion}, where `completion` is the
// answer a model would give (calls.json's hand-written summary and checklist answers, in the
// schema's key order), for measure.mjs to count tokens and price.
//   scorecard_requests bench/scorecard/calls.json

#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "analytics/scorecard.h"
#include "fakes/fake_openai.h"
#include "llm/summarizer.h"
#include "net/http_client.h"

namespace {

using json = nlohmann::json;
using namespace callbrief;

llm::SummaryInput InputOf(const json& call) {
  llm::SummaryInput input;
  for (const json& s : call["segments"]) {
    input.transcript.push_back({s["start_ms"].get<std::int64_t>(), s["speaker"], s["text"]});
  }
  input.direction = call["direction"];
  input.duration_seconds = call["duration_seconds"];
  input.manager_name = call["manager_name"];
  input.language = "ru";
  return input;
}

// What the model writes: compact JSON, keys in the order the schema lists them.
std::string Completion(const json& call, bool summary, bool scorecard) {
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::string& key, const json& value) {
    out += (first ? "\"" : ",\"") + key + "\":" + value.dump();
    first = false;
  };
  if (summary) {
    for (const char* key : {"summary", "key_points", "tasks", "client_request", "next_steps",
                            "sentiment", "call_kind", "client_name", "company"}) {
      add(key, call["summary"][key]);
    }
  }
  if (scorecard) add("scorecard", call["scorecard"]);
  return out + "}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: scorecard_requests calls.json\n";
    return 2;
  }
  std::ifstream file(argv[1]);
  const json fixtures = json::parse(file, nullptr, false);
  if (fixtures.is_discarded() || !fixtures.contains("calls")) {
    std::cerr << argv[1] << ": not the fixture file (a JSON object with \"calls\")\n";
    return 2;
  }
  fakes::FakeOpenAi fake;
  if (auto started = fake.Start(); !started.ok()) {
    std::cerr << started.error().message << "\n";
    return 1;
  }
  auto http = net::MakeCurlHttpClient({.user_agent = "scorecard-bench"});
  // Rules off: every fixture is a conversation, and the baseline must be a real request too.
  auto summarizer = llm::MakeOpenAiSummarizer(*http, {.base_url = fake.BaseUrl(),
                                                      .api_key = fake.api_key(),
                                                      .model = "gpt-4o",
                                                      .skip_llm_by_rules = false});
  std::vector<llm::ChecklistItem> checklist;
  for (const auto& c : analytics::DefaultSalesChecklist().criteria) {
    checklist.push_back({c.id, c.question, c.side});
  }
  for (const json& call : fixtures["calls"]) {
    llm::SummaryInput plain = InputOf(call);
    llm::SummaryInput scored = plain;
    scored.checklist = checklist;
    // Each request is read from the emulator's log right after it was made.
    auto print = [&](const char* name, bool ok, bool summary, bool scorecard) {
      if (!ok) {
        std::cerr << call["id"] << ": the " << name << " request failed\n";
        return false;
      }
      std::cout << json{{"call", call["id"]},
                        {"request", name},
                        {"body", fake.Requests().back().body},
                        {"completion", Completion(call, summary, scorecard)}}
                       .dump()
                << "\n";
      return true;
    };
    if (!print("summary", summarizer->Summarize(plain).ok(), true, false) ||
        !print("summary_with_checklist", summarizer->Summarize(scored).ok(), true, true) ||
        !print("score", summarizer->Score(scored).ok(), false, true)) {
      return 1;
    }
  }
  fake.Stop();
  return 0;
}
