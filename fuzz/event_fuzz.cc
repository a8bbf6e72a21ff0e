// A Bitrix24 webhook event as the server hands it over: the Content-Type (chosen by the first
// byte) and the body, decoded (form or JSON) and read as a call-end event.

#include <cstdint>
#include <string_view>

#include "bitrix/event.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  callbrief::fuzz::FuzzInput in(data, size);
  static constexpr std::string_view kTypes[] = {"application/x-www-form-urlencoded",
                                                "application/json", "",
                                                "application/json; charset=utf-8", "text/plain"};
  std::string_view type = kTypes[in.Byte() % std::size(kTypes)];
  auto event = callbrief::bitrix::DecodeWebhook(type, in.Rest());
  if (!event.ok()) return 0;
  (void)event->sanitized.dump();
  auto call = callbrief::bitrix::ParseCallEnded(event->data);
  (void)call;
  return 0;
}
