// The summary model's answer text: the JSON found in it (bare, fenced or inside prose), checked
// against the summary schema and read.

#include <cstdint>
#include <string_view>

#include "llm/summary.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  nlohmann::json parsed = callbrief::llm::ExtractAnswerJson(content);
  if (parsed.is_discarded()) return 0;
  (void)callbrief::llm::SchemaProblems(parsed, callbrief::llm::SummarySchema());
  auto summary = callbrief::llm::CallSummary::FromJson(parsed);
  if (summary.ok()) (void)summary->ToJson().dump();
  return 0;
}
