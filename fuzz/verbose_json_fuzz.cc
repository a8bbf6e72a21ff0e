// A speech-to-text answer (OpenAI verbose_json and its look-alikes) through the fast scanner and
// the full reader; the provider, or anything between us and it, controls every byte.

#include <cstdint>
#include <string_view>

#include "asr/json_scan.h"
#include "asr/transcription_response.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)callbrief::asr::internal::ScanTranscriptionResponse(body);
  auto parsed = callbrief::asr::ParseTranscriptionResponse(body, /*chunk_ms=*/60'000);
  (void)parsed;
  return 0;
}
