#include "bitrix/crm_links.h"

#include <gtest/gtest.h>

namespace callbrief::bitrix {
namespace {

TEST(CrmLinksTest, PortalUrlIsTheSchemeAndHostOfTheWebhook) {
  EXPECT_EQ(PortalUrl("https://acme.bitrix24.ru/rest/1/abc/"), "https://acme.bitrix24.ru");
  EXPECT_EQ(PortalUrl("http://127.0.0.1:8081/rest/1/abc/"), "http://127.0.0.1:8081");
  EXPECT_EQ(PortalUrl(""), "");
}

TEST(CrmLinksTest, CrmLinksOnlyForEntitiesWithCards) {
  EXPECT_EQ(CrmEntityUrl("https://a.ru", "COMPANY", 5), "https://a.ru/crm/company/details/5/");
  EXPECT_EQ(CrmEntityUrl("https://a.ru", "", 5), "");
  EXPECT_EQ(CrmEntityUrl("https://a.ru", "CONTACT", std::nullopt), "");
  EXPECT_EQ(CrmEntityUrl("", "CONTACT", 5), "");
}

TEST(CrmEntityUrlTest, LinksKnownEntitiesOfAKnownPortal) {
  EXPECT_EQ(CrmEntityUrl("https://p.bitrix24.ru", "CONTACT", 42),
            "https://p.bitrix24.ru/crm/contact/details/42/");
  EXPECT_EQ(CrmEntityUrl("https://p.bitrix24.ru/", "DEAL", 7),
            "https://p.bitrix24.ru/crm/deal/details/7/");
  EXPECT_EQ(CrmEntityUrl("", "CONTACT", 42), "");
  EXPECT_EQ(CrmEntityUrl("https://p.bitrix24.ru", "", 42), "");
  EXPECT_EQ(CrmEntityUrl("https://p.bitrix24.ru", "CONTACT", std::nullopt), "");
  EXPECT_EQ(CrmEntityUrl("https://p.bitrix24.ru", "SOMETHING_NEW", 1), "");
  EXPECT_EQ(CrmEntityUrl("https://p.bitrix24.ru", "../x", 1), "");
}

}  // namespace
}  // namespace callbrief::bitrix
