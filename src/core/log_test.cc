#include "core/log.h"

#include <spdlog/sinks/ostream_sink.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "core/redact.h"

namespace callbrief::core {
namespace {

class LogTest : public ::testing::Test {
 protected:
  std::string Capture(LogFormat format, const std::function<void()>& body) {
    std::ostringstream out;
    InitLogging(format, "info", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    body();
    spdlog::default_logger()->flush();
    return out.str();
  }
};

TEST_F(LogTest, TextLinesCarryLevelCallIdAndTheMessageVerbatim) {
  std::string out = Capture(LogFormat::kText, [] {
    CallLogScope scope("5E31.1773.87");
    spdlog::info("📞 Received call webhook from Bitrix24");
  });
  EXPECT_NE(out.find("info  [call=5E31.1773.87] 📞 Received call webhook from Bitrix24\n"),
            std::string::npos)
      << out;
}

TEST_F(LogTest, AClientCannotForgeALineWithControlCharacters) {
  // A path like "/x%0a2026-… error forged" decoded by the server, logged as is.
  std::string out = Capture(LogFormat::kText, [] {
    CallLogScope scope("A\nB");
    spdlog::warn(
        "Rejected /x\n2026-12-06T00:00:00.000Z error  forged\r\x1b[31m\x7f\tend"
        "\xc2\x85nel\xe2\x80\xa8ls");
  });
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_NE(out.find("[call=A\\nB] Rejected /x\\n2026-12-06T00:00:00.000Z error  "
                     "forged\\r\\x1b[31m\\x7f\tend\\u0085nel\\u2028ls\n"),
            std::string::npos)
      << out;
}

TEST_F(LogTest, CyrillicAndEmojiAreNotEscaped) {
  std::string out = Capture(LogFormat::kText, [] { spdlog::info("📞 Звонок"); });
  EXPECT_NE(out.find("📞 Звонок\n"), std::string::npos) << out;
}

TEST_F(LogTest, LinesOutsideACallScopeHaveNoCallId) {
  std::string out = Capture(LogFormat::kText, [] {
    { CallLogScope scope("A"); }
    spdlog::warn("plain");
  });
  EXPECT_EQ(out.find("[call="), std::string::npos);
  EXPECT_NE(out.find("warn  plain"), std::string::npos);
}

TEST_F(LogTest, ScopesNestAndRestore) {
  std::string out = Capture(LogFormat::kText, [] {
    CallLogScope outer("outer");
    {
      CallLogScope inner("inner");
      spdlog::info("one");
    }
    spdlog::info("two");
  });
  EXPECT_NE(out.find("[call=inner] one"), std::string::npos);
  EXPECT_NE(out.find("[call=outer] two"), std::string::npos);
}

TEST_F(LogTest, JsonLinesAreOneObjectEachWithCallId) {
  std::string out = Capture(LogFormat::kJson, [] {
    CallLogScope scope("C1");
    spdlog::error("❌ failed: \"quoted\"\nsecond line");
  });
  auto line = nlohmann::json::parse(out);
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["call_id"], "C1");
  EXPECT_EQ(line["msg"], "❌ failed: \"quoted\"\nsecond line");
  EXPECT_TRUE(line["time"].get<std::string>().ends_with("Z"));
}

TEST_F(LogTest, SecretsAreMaskedInEveryLine) {
  GlobalRedactor().AddSecret("sk-should-not-leak");
  for (auto format : {LogFormat::kText, LogFormat::kJson}) {
    std::string out = Capture(format, [] {
      spdlog::error("provider said: invalid key sk-should-not-leak at /rest/1/webhookcode1/x");
    });
    EXPECT_EQ(out.find("sk-should-not-leak"), std::string::npos) << out;
    EXPECT_EQ(out.find("webhookcode1"), std::string::npos) << out;
  }
}

TEST_F(LogTest, InvalidUtf8DoesNotLoseTheJsonLine) {
  std::string out = Capture(LogFormat::kJson, [] { spdlog::info("bad \xff byte"); });
  EXPECT_NO_THROW(nlohmann::json::parse(out));
}

}  // namespace
}  // namespace callbrief::core
