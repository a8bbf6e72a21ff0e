// The Grafana dashboard (docs/grafana-dashboard.json) and the metrics tables of
// docs/operations.md (en, ru) against what /metrics really serves: every series the service
// registers, recorded from a scrape after one event of every kind. A query naming a metric the
// service does not serve (a typo, a metric renamed or removed) fails here, and so does a metric
// added to the code that the dashboard does not draw or the tables do not list.

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/metrics.h"
#include "source_file.h"

namespace callbrief {
namespace {

using Names = std::set<std::string, std::less<>>;

Names MetricNamesIn(const std::string& text) {
  static const std::regex kName("callbrief_[a-z0-9_]+");
  Names names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kName);
       it != std::sregex_iterator(); ++it) {
    names.insert(it->str());
  }
  return names;
}

// What a scrape shows once every metric has seen an event: family name → type, and the name of
// every sample line (a histogram's _bucket, _sum and _count).
struct Scrape {
  std::map<std::string, std::string> families;
  Names samples;
};

Scrape ScrapeOfEveryMetric() {
  http::ServiceMetrics metrics;
  metrics.CountWebhook(200, "ok", 0.004);
  metrics.CountIntakeRefusal("token_mismatch");
  metrics.CountRefusal("body_too_large");
  core::Observer& observer = metrics;
  observer.StageFinished(
      {.stage = "resolve", .outcome = "retry", .error_kind = "transient", .seconds = 1});
  observer.ProviderRequestDone(
      {.provider = "telegram", .method = "sendMessage", .status = "200", .seconds = 0.1});
  observer.ProviderSpent({.provider = "openai-transcribe",
                          .model = "whisper-1",
                          .audio_seconds = 60,
                          .input_tokens = 10,
                          .cost_usd = 0.006});
  observer.ProviderSpent({.provider = "openai-chat", .model = "unpriced", .output_tokens = 5});
  observer.DeliveryFinished("telegram", "done");
  const std::string text =
      metrics.Render({.calls_by_stage = {{store::Stage::kDone, 1}},
                      .intake = {.batches = 1, .calls = 1, .largest_batch = 1},
                      .queue = {.due = 1, .oldest_due_since_ms = 0, .parked = 1},
                      .now_ms = 1000});
  Scrape scrape;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      scrape.families[name] = type;
    } else if (!line.empty() && line[0] != '#') {
      scrape.samples.insert(line.substr(0, line.find_first_of("{ ")));
    }
  }
  return scrape;
}

// The name of every family the service registers, straight from the registry.
Names Registered() {
  http::ServiceMetrics metrics;
  auto names = metrics.FamilyNames();
  return Names(names.begin(), names.end());
}

// Every PromQL text of the dashboard: panel targets (`expr`) and the template variables' queries.
void CollectQueries(const nlohmann::json& node, std::string& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if ((key == "expr" || key == "definition" || key == "query") && value.is_string()) {
        out += value.get<std::string>() + "\n";
      } else {
        CollectQueries(value, out);
      }
    }
  } else if (node.is_array()) {
    for (const auto& item : node) CollectQueries(item, out);
  }
}

Names DashboardNames() {
  const nlohmann::json dashboard = nlohmann::json::parse(ReadSource("docs/grafana-dashboard.json"));
  std::string queries;
  CollectQueries(dashboard, queries);
  return MetricNamesIn(queries);
}

bool IsSampleOf(const std::string& sample, const std::string& family, const std::string& type) {
  if (sample == family) return true;
  if (type != "histogram") return false;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (sample == family + suffix) return true;
  }
  return false;
}

TEST(MetricsDashboardTest, TheScrapeShowsEveryRegisteredMetric) {
  const Scrape scrape = ScrapeOfEveryMetric();
  Names shown;
  for (const auto& [name, type] : scrape.families) shown.insert(name);
  EXPECT_EQ(shown, Registered());
  for (const auto& [family, type] : scrape.families) {
    bool has_sample = false;
    for (const std::string& sample : scrape.samples) has_sample |= IsSampleOf(sample, family, type);
    EXPECT_TRUE(has_sample) << family << " has no series: give it an event in ScrapeOfEveryMetric";
  }
}

TEST(MetricsDashboardTest, TheDashboardQueriesOnlyWhatTheServiceServes) {
  const Scrape scrape = ScrapeOfEveryMetric();
  const Names used = DashboardNames();
  ASSERT_FALSE(used.empty());
  for (const std::string& name : used) {
    EXPECT_TRUE(scrape.samples.contains(name))
        << "docs/grafana-dashboard.json queries " << name << ", which /metrics does not serve";
  }
}

TEST(MetricsDashboardTest, TheDashboardDrawsEveryMetric) {
  const Scrape scrape = ScrapeOfEveryMetric();
  const Names used = DashboardNames();
  for (const auto& [family, type] : scrape.families) {
    bool drawn = false;
    for (const std::string& name : used) drawn |= IsSampleOf(name, family, type);
    EXPECT_TRUE(drawn) << "docs/grafana-dashboard.json has no panel for " << family;
  }
}

TEST(MetricsDashboardTest, TheOperationsGuideListsEveryMetricAndNoOther) {
  const Scrape scrape = ScrapeOfEveryMetric();
  for (const char* doc : {"docs/operations.md", "docs/ru/operations.md"}) {
    const std::string text = ReadSource(doc);
    for (const auto& [family, type] : scrape.families) {
      EXPECT_NE(text.find("| `" + family), std::string::npos)
          << doc << ": the metrics table has no row for " << family;
    }
    for (const std::string& name : MetricNamesIn(text)) {
      EXPECT_TRUE(scrape.samples.contains(name) || scrape.families.contains(name))
          << doc << " names " << name << ", which /metrics does not serve";
    }
  }
}

}  // namespace
}  // namespace callbrief
