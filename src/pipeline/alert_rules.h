#pragma once

// Which alerts a call raises (issue 17, item 3): the rules of ALERT_RULES applied to what the
// store knows of the call. Pure; the alerts channel (alerts_channel.h) sends what this decides.

#include <optional>
#include <string>
#include <vector>

#include "notify/alert_format.h"
#include "notify/message.h"
#include "store/call.h"

namespace callbrief::pipeline {

struct AlertRules {
  // "tracker": one alert per tracker marked "send an alert" that the call hit, quoting the line of
  // its first hit.
  bool tracker_hits = false;
  // "negative": one alert when the summary's tone is negative, quoting the summary.
  bool negative_tone = false;
  // "score_below:N": one alert when the call's scorecard scored below N (of 100).
  std::optional<int> score_below{};
  // "critical": one alert when a critical criterion of the call's scorecard was answered "no",
  // quoting the first such criterion's evidence.
  bool critical_failed = false;
};

// ALERT_RULES as the configuration checked it ("tracker", "negative", "score_below:N",
// "critical"); other names are ignored.
AlertRules AlertRulesFrom(const std::vector<std::string>& names);

// The alerts `details` raises under `rules`, in a fixed order (trackers by their first hit, the
// tone, the score, the critical criterion), each with a key unique in the call: "tracker:<id>",
// "negative", "score", "critical". `message` is the
// call as the deliver stage renders it (its summary text and sentiment).
std::vector<notify::Alert> AlertsFor(const store::CallDetails& details,
                                     const notify::CallMessage& message, const AlertRules& rules);

}  // namespace callbrief::pipeline
