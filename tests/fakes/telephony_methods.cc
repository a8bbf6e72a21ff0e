// voximplant.statistic.get and telephony.call.attachTranscription, after vi_rest.php
// (reference §3.1, §3.4, §3.7).

#include <algorithm>
#include <string>

#include "fakes/rest_methods.h"
#include "fakes/statistic_filter.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

OrderedJson Optional(const std::optional<std::string>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

OrderedJson PositiveId(std::int64_t id) {
  return id > 0 ? OrderedJson(std::to_string(id)) : OrderedJson(nullptr);
}

// The Voximplant-side URLs the portal stores: CALL_RECORD_URL and CALL_LOG are where Voximplant
// keeps the record and the log, never the portal (vi_history.php stores the URLs Voximplant
// reports; CALL_LOG reads storage-gw-<region>-<n>.voximplant.com, reference §3). A foreign host,
// so a client that downloads CALL_RECORD_URL must allow it (RECORDING_HOSTS); never served here.
std::string VoximplantUrl(const Portal&, std::string_view kind, const std::string& name,
                          std::string_view extension) {
  return "https://storage-gw-ru-03.voximplant.com/" + std::string(kind) + "/" + name + "." +
         std::string(extension);
}

// PHP's truthiness of a parameter: absent, null, false, "", "0" and 0 are false.
bool Truthy(const json* value) {
  if (value == nullptr) return false;
  std::optional<std::string> text = PhpString(*value);
  if (!text) return value->is_object() || value->is_array() ? !value->empty() : false;
  if (value->is_number()) return PhpFloatval(*value) != 0;
  return !text->empty() && *text != "0";
}

std::optional<MethodReply> CheckMessage(const std::string& index, const json& message) {
  static const json kNoFields = json::object();
  const json& fields = message.is_object() ? message : kNoFields;
  const json* side = Param(fields, "SIDE");
  if (side == nullptr || !side->is_string() || (*side != "Client" && *side != "User")) {
    return CoreError("MESSAGES[" + index + "][SIDE] should be either Client or User");
  }
  const json* start = Param(fields, "START_TIME");
  if (start != nullptr && PhpIntval(*start) < 0) {
    return CoreError("MESSAGES[" + index + "][START_TIME] should be greater or equal to zero");
  }
  const json* stop = Param(fields, "STOP_TIME");
  if (stop == nullptr || PhpIntval(*stop) <= 0) {
    return CoreError("MESSAGES[" + index + "][STOP_TIME] should be greater than zero");
  }
  if (PhpEmptyString(Param(fields, "MESSAGE"))) {
    return CoreError("MESSAGES[" + index + "][MESSAGE] is empty");
  }
  return std::nullopt;
}

}  // namespace

OrderedJson StatisticRow(const Portal& portal, const StoredCall& call, bool recording_visible) {
  const CallRecord& c = call.record;
  bool external = c.rest_app_id.has_value();
  OrderedJson row;
  row["ID"] = std::to_string(c.statistic_id);
  row["CALL_ID"] = c.call_id;
  row["EXTERNAL_CALL_ID"] = Optional(c.external_call_id);
  row["CALL_CATEGORY"] = c.call_category;
  row["PORTAL_USER_ID"] = PositiveId(c.portal_user_id);
  row["PORTAL_NUMBER"] = c.portal_number;
  row["PHONE_NUMBER"] = c.phone_number;
  row["CALL_TYPE"] = std::to_string(c.call_type);
  row["CALL_DURATION"] = std::to_string(c.call_duration);
  row["CALL_START_DATE"] = FormatPortalTime(*c.call_start);
  row["CALL_LOG"] = external ? OrderedJson(nullptr)
                             : OrderedJson(VoximplantUrl(portal, "logs", call.log_name, "log"));
  const StoredRecording* recording = recording_visible ? &*call.recording : nullptr;
  row["CALL_RECORD_URL"] =
      recording ? OrderedJson(VoximplantUrl(portal, "records", recording->storage_name, "mp3"))
                : OrderedJson(nullptr);
  // An integer or null, unlike the other ids: vi_rest.php statisticGet sets
  // `$arData['RECORD_FILE_ID'] = (int)$arData['CALL_WEBDAV_ID'] ?: null;` after the ORM read.
  row["RECORD_FILE_ID"] =
      recording && recording->disk_id > 0 ? OrderedJson(recording->disk_id) : OrderedJson(nullptr);
  row["RECORD_DURATION"] =
      recording ? OrderedJson(std::to_string(recording->duration)) : OrderedJson(nullptr);
  row["CALL_VOTE"] = std::to_string(c.call_vote);
  row["COST"] = FormatCost(c.cost);
  row["COST_CURRENCY"] = c.cost_currency;
  row["CALL_FAILED_CODE"] = c.call_failed_code;
  row["CALL_FAILED_REASON"] = c.call_failed_reason;
  row["CRM_ENTITY_TYPE"] =
      c.crm_entity_type ? OrderedJson(std::string(CrmTypeName(*c.crm_entity_type))) : nullptr;
  row["CRM_ENTITY_ID"] = c.crm_entity_type ? PositiveId(c.crm_entity_id) : nullptr;
  row["CRM_ACTIVITY_ID"] = c.crm_entity_type ? PositiveId(c.crm_activity_id) : nullptr;
  row["REST_APP_ID"] = Optional(c.rest_app_id);
  row["REST_APP_NAME"] = Optional(c.rest_app_name);
  row["TRANSCRIPT_ID"] =
      call.transcript_id ? OrderedJson(std::to_string(*call.transcript_id)) : nullptr;
  row["TRANSCRIPT_PENDING"] = "N";
  row["SESSION_ID"] = external ? OrderedJson(nullptr) : OrderedJson(c.session_id);
  row["REDIAL_ATTEMPT"] = nullptr;
  row["COMMENT"] = Optional(c.comment);
  return row;
}

MethodReply StatisticGet(Portal& portal, const MethodCall& call) {
  json params = UpperCaseKeys(call.params);
  const json* filter = Param(params, "FILTER");
  auto conditions = ParseStatisticFilter(filter != nullptr ? *filter : json::object());
  if (!conditions.ok()) return CoreError(conditions.error().message);
  auto order = ParseStatisticOrder(Param(params, "SORT"), Param(params, "ORDER"));
  if (!order.ok()) return CoreError(order.error().message);

  std::vector<OrderedJson> rows;
  for (StoredCall& stored : portal.calls()) {
    // A webhook of a plain employee sees only that employee's calls (vi_rest.php).
    if (!portal.admin && stored.record.portal_user_id != portal.webhook_user_id) continue;
    OrderedJson row =
        StatisticRow(portal, stored, portal.RecordingVisible(stored, call.now, false));
    if (!MatchesFilter(*conditions, row)) continue;
    bool visible = portal.RecordingVisible(stored, call.now, true);
    rows.push_back(StatisticRow(portal, stored, visible));
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const OrderedJson& a, const OrderedJson& b) {
    return RowBefore(a, b, *order);
  });
  return ListReply(std::move(rows), ReadStart(call.params));
}

MethodReply AttachTranscription(Portal& portal, const MethodCall& call) {
  // Parameter names are case-sensitive here: vi_rest.php reads $params['CALL_ID'] as sent.
  const json* call_id = Param(call.params, "CALL_ID");
  if (call_id == nullptr || call_id->is_null()) return CoreError("CALL_ID should be set");
  const json* messages = Param(call.params, "MESSAGES");
  if (messages == nullptr || !(messages->is_array() || messages->is_object())) {
    return CoreError("MESSAGES should be an array");
  }
  for (const auto& item : messages->items()) {
    if (auto error = CheckMessage(item.key(), item.value())) return *error;
  }
  std::string id = PhpString(*call_id).value_or("Array");
  StoredCall* stored = portal.FindCall(id);
  if (stored == nullptr) return CoreError("Call " + id + " is not found. Is it finished?");

  Transcript transcript;
  transcript.call_id = stored->record.call_id;
  transcript.messages = json::array();
  for (const auto& item : messages->items()) transcript.messages.push_back(item.value());
  const json* cost = Param(call.params, "COST");
  if (Truthy(cost)) {
    transcript.cost = PhpFloatval(*cost);
    const json* currency = Param(call.params, "COST_CURRENCY");
    transcript.cost_currency = currency ? PhpString(*currency).value_or("") : "";
  }
  std::int64_t transcript_id = portal.AddTranscript(std::move(transcript));
  stored->transcript_id = transcript_id;
  OrderedJson result;
  result["TRANSCRIPT_ID"] = transcript_id;
  return Success(std::move(result));
}

}  // namespace callbrief::fakes
