#include "app/request_names.h"

#include <gtest/gtest.h>

namespace callbrief::app {
namespace {

using net::Exchange;

constexpr std::string_view kWebhook = "https://portal.bitrix24.ru/rest/1/s3cr3tc0de/";

std::string Bitrix(std::string url, Exchange exchange = Exchange::kSend) {
  net::RequestName name = NameBitrixRequest(kWebhook, {.url = std::move(url)}, exchange);
  return name.provider + " " + name.method;
}

TEST(NameBitrixRequestTest, TheRestMethodIsTheMethodAndTheWebhookCodeIsNeverKept) {
  EXPECT_EQ(Bitrix(std::string(kWebhook) + "voximplant.statistic.get.json"),
            "bitrix24 voximplant.statistic.get");
  EXPECT_EQ(Bitrix(std::string(kWebhook) + "telephony.call.attachTranscription.json"),
            "bitrix24 telephony.call.attachTranscription");
  EXPECT_EQ(Bitrix(std::string(kWebhook) + "user.get.json?ID=5"), "bitrix24 user.get");
}

TEST(NameBitrixRequestTest, DownloadsAndUnknownUrlsHaveFixedNames) {
  EXPECT_EQ(Bitrix("https://cdn.bitrix24.ru/b1/disk/record.mp3?token=x", Exchange::kDownload),
            "bitrix24 download");
  EXPECT_EQ(Bitrix("https://elsewhere.example/rest/1/other/user.get.json"), "bitrix24 other");
  EXPECT_EQ(Bitrix(std::string(kWebhook) + "user.get/../../secret path"), "bitrix24 other");
}

std::string Provider(const ProviderBases& bases, std::string url) {
  net::RequestName name = NameProviderRequest(bases, {.url = std::move(url)}, Exchange::kSend);
  return name.provider + " " + name.method;
}

const ProviderBases kOneServer{.transcribe = "https://api.openai.com/v1",
                               .chat = "https://api.openai.com/v1",
                               .telegram = "https://api.telegram.org"};

TEST(NameProviderRequestTest, OpenAiPathsNameTheirApi) {
  EXPECT_EQ(Provider(kOneServer, "https://api.openai.com/v1/audio/transcriptions"),
            "openai-transcribe audio/transcriptions");
  EXPECT_EQ(Provider(kOneServer, "https://api.openai.com/v1/chat/completions"),
            "openai-chat chat/completions");
  EXPECT_EQ(Provider(kOneServer, "https://api.openai.com/v1/models"), "openai-chat models");
  EXPECT_EQ(Provider(kOneServer, "https://api.openai.com/v1/models/gpt-4o-mini"),
            "openai-chat models");
  EXPECT_EQ(Provider(kOneServer, "https://api.openai.com/v1/files/file-abc"), "openai-chat other");
}

TEST(NameProviderRequestTest, ASeparateSpeechToTextServerIsNamedAsSuch) {
  const ProviderBases bases{.transcribe = "https://api.groq.com/openai/v1",
                            .chat = "https://api.openai.com/v1",
                            .telegram = "https://api.telegram.org"};
  EXPECT_EQ(Provider(bases, "https://api.groq.com/openai/v1/models"), "openai-transcribe models");
  EXPECT_EQ(Provider(bases, "https://api.openai.com/v1/models"), "openai-chat models");
}

TEST(NameProviderRequestTest, TelegramKeepsTheBotApiMethodAndNeverTheToken) {
  EXPECT_EQ(Provider(kOneServer, "https://api.telegram.org/bot123:AAH-secret/sendMessage"),
            "telegram sendMessage");
  EXPECT_EQ(Provider(kOneServer, "https://api.telegram.org/bot123:AAH-secret/sendDocument"),
            "telegram sendDocument");
  EXPECT_EQ(Provider(kOneServer, "https://api.telegram.org/bot123:AAH-secret"), "telegram other");
  EXPECT_EQ(Provider(kOneServer, "https://api.telegram.org/bot123:AAH/x/y"), "telegram other");
}

TEST(NameProviderRequestTest, AUrlUnderNoConfiguredServerIsOther) {
  EXPECT_EQ(Provider(kOneServer, "https://api.openai.com.evil.example/v1/models"), "other other");
  EXPECT_EQ(Provider({}, "https://api.openai.com/v1/models"), "other other");
}

}  // namespace
}  // namespace callbrief::app
