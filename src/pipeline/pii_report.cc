#include "pipeline/pii_report.h"

#include <nlohmann/json.hpp>

#include "core/json_bounded.h"

namespace callbrief::pipeline {
namespace {

nlohmann::json CountsJson(const PiiCounts& counts) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [type, count] : counts) {
    if (count > 0) json[std::string(privacy::PiiTypeName(type))] = count;
  }
  return json;
}

std::optional<PiiCounts> CountsFrom(const nlohmann::json& json, const char* key) {
  if (!json.is_object() || !json.contains(key) || !json[key].is_object()) return std::nullopt;
  PiiCounts counts;
  for (const auto& [name, count] : json[key].items()) {
    auto type = privacy::PiiTypeFromName(name);
    if (type && count.is_number_integer()) counts[*type] = count.get<int>();
  }
  return counts;
}

void Add(PiiCounts& into, const PiiCounts& more) {
  for (const auto& [type, count] : more) into[type] += count;
}

}  // namespace

std::string PiiReport::ToJson() const {
  nlohmann::json json = nlohmann::json::object();
  if (stored_transcript) json["stored_transcript"] = CountsJson(*stored_transcript);
  if (sent_for_summary) json["sent_for_summary"] = CountsJson(*sent_for_summary);
  return json.dump();
}

PiiReport PiiReport::FromJson(const std::string& text) {
  if (text.empty()) return {};
  const nlohmann::json json = core::ParseBoundedJson(text);
  return {.stored_transcript = CountsFrom(json, "stored_transcript"),
          .sent_for_summary = CountsFrom(json, "sent_for_summary")};
}

llm::SummaryInput MaskSummaryInput(llm::SummaryInput input, const std::string& client_number,
                                   PiiCounts& counts) {
  for (llm::TranscriptLine& line : input.transcript) {
    line.text = privacy::MaskPersonalData(line.text).text;
    Add(counts, privacy::CountPlaceholders(line.text));
  }
  const std::string phone(privacy::Placeholder(privacy::PiiType::kPhone));
  for (std::string* number : {&input.from_number, &input.to_number}) {
    if (!client_number.empty() && *number == client_number) {
      *number = phone;
      ++counts[privacy::PiiType::kPhone];
    }
  }
  return input;
}

}  // namespace callbrief::pipeline
