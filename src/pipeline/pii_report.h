#pragma once

#include <map>
#include <optional>
#include <string>

#include "llm/summarizer.h"
#include "privacy/pii_mask.h"

// Personal-data masking in the pipeline (PII_MASKING, PII_MASKING_STORE; docs/privacy.md). Pure.
namespace callbrief::pipeline {

using PiiCounts = std::map<privacy::PiiType, int>;

// What masking replaced in one call, stored with it (CallRecord::pii_report_json) as
//   {"stored_transcript": {"phone": 1}, "sent_for_summary": {"phone": 2, "email": 1}}
// — placeholders per type, never the values. A key is present only when that masking ran
// (stored_transcript: PII_MASKING_STORE at transcription; sent_for_summary: PII_MASKING at the
// summary); types with no placeholder are left out.
struct PiiReport {
  std::optional<PiiCounts> stored_transcript{};
  std::optional<PiiCounts> sent_for_summary{};

  std::string ToJson() const;
  // "" or anything unreadable gives an empty report.
  static PiiReport FromJson(const std::string& json);
};

// `input` with its transcript lines masked and the client's number among the call facts replaced
// by the phone placeholder; `counts` gets the placeholders of everything that will be sent.
llm::SummaryInput MaskSummaryInput(llm::SummaryInput input, const std::string& client_number,
                                   PiiCounts& counts);

}  // namespace callbrief::pipeline
