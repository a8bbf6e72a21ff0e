#include "http/ui_assets.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

TEST(UiAssetsTest, ThePagesAndTheChartLibraryAreEmbedded) {
  for (std::string_view name : {"index.html", "login.html", "app.js", "app.css",
                                "vendor/uPlot.iife.min.js", "vendor/uPlot.min.css"}) {
    const UiAsset* asset = FindUiAsset(name);
    ASSERT_NE(asset, nullptr) << name;
    EXPECT_FALSE(asset->body.empty()) << name;
    EXPECT_TRUE(asset->etag.starts_with('"')) << name;
  }
  EXPECT_TRUE(FindUiAsset("app.js")->content_type.starts_with("text/javascript"));
  EXPECT_TRUE(FindUiAsset("index.html")->content_type.starts_with("text/html"));
}

TEST(UiAssetsTest, OnlyExactNamesAreFound) {
  for (std::string_view name : {"", "../index.html", "./app.js", "vendor/../app.js", "APP.JS",
                                "/app.js", "vendor", "app.js/"}) {
    EXPECT_EQ(FindUiAsset(name), nullptr) << name;
  }
}

TEST(UiAssetsTest, PagesCarryNoInlineScriptOrStyle) {
  for (std::string_view name : {"index.html", "login.html"}) {
    std::string_view body = FindUiAsset(name)->body;
    for (size_t at = body.find("<script"); at != std::string_view::npos;
         at = body.find("<script", at + 1)) {
      std::string_view tag = body.substr(at, body.find('>', at) - at);
      EXPECT_NE(tag.find("src="), std::string_view::npos) << name << ": " << tag;
    }
    EXPECT_EQ(body.find("<style"), std::string_view::npos) << name;
    EXPECT_EQ(body.find(" style="), std::string_view::npos) << name;
    EXPECT_EQ(body.find(" onclick="), std::string_view::npos) << name;
  }
}

}  // namespace
}  // namespace callbrief::http
