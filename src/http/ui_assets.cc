#include "http/ui_assets.h"

namespace callbrief::http {

const UiAsset* FindUiAsset(std::string_view name) {
  for (const UiAsset& asset : UiAssets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

}  // namespace callbrief::http
