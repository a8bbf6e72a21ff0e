#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace callbrief::fakes {

// CRM owner types as Bitrix24 numbers them (crm.enum.ownertype).
enum class CrmOwnerType : int { kLead = 1, kDeal = 2, kContact = 3, kCompany = 4 };

// "LEAD", "DEAL", "CONTACT", "COMPANY": the spelling of voximplant.statistic.get's CRM_ENTITY_TYPE.
std::string_view CrmTypeName(CrmOwnerType type);
// Reads a type name in any letter case ("deal", "DEAL"); nullopt for anything else.
std::optional<CrmOwnerType> ParseCrmTypeName(std::string_view name);

// One finished call as the portal's call history holds it. The defaults describe a realistic
// answered incoming call of 135 s taken by user 7 and bound to a CRM contact through a call
// activity. FakeBitrix24::AddCall fills in every field marked "generated" that is left empty/0.
struct CallRecord {
  std::string call_id;            // Generated: "<16 hex>.<unix>.<n>" as Voximplant's.
  std::int64_t statistic_id = 0;  // Output only: the row ID AddCall assigned.
  int call_type = 2;              // 1 out, 2 in, 3 in+redirect, 4 callback, 5 infocall.
  std::string phone_number = "+79161234567";
  std::string portal_number = "reg133788";
  std::int64_t portal_user_id = 7;  // 0: none (infocalls); a new id gets a generated user.
  int call_duration = 135;          // Seconds.
  std::optional<core::TimePoint> call_start;  // Generated: now − duration − 5 s.
  double cost = 0;
  std::string cost_currency = "RUR";
  std::string call_failed_code = "200";
  std::string call_failed_reason = "Success call";
  std::string call_category = "external";
  std::optional<std::string> external_call_id;  // "" (not nullopt): generated.
  int call_vote = 0;
  std::string session_id;  // Generated: ten digits.
  std::optional<std::string> comment;
  std::optional<std::string> rest_app_id;
  std::optional<std::string> rest_app_name;
  // CRM. nullopt: the call is not linked to CRM (no CRM_* fields, no activity).
  std::optional<CrmOwnerType> crm_entity_type = CrmOwnerType::kContact;
  std::int64_t crm_entity_id = 0;    // Generated when 0 and a type is set.
  std::int64_t crm_activity_id = 0;  // Generated when 0 and a type is set.
  std::int64_t deal_id = 0;          // > 0: the activity is bound to this deal as well.
};

// Fluent construction of a CallRecord for tests: CallBuilder().Outgoing().Duration(42).Build().
class CallBuilder {
 public:
  CallBuilder& Id(std::string call_id);
  CallBuilder& Type(int call_type);
  CallBuilder& Outgoing() { return Type(1); }
  CallBuilder& Incoming() { return Type(2); }
  CallBuilder& Phone(std::string phone_number);
  CallBuilder& PortalNumber(std::string portal_number);
  CallBuilder& Operator(std::int64_t portal_user_id);
  CallBuilder& Duration(int seconds);
  CallBuilder& StartedAt(core::TimePoint start);
  CallBuilder& Cost(double cost, std::string currency);
  // Not answered: sets the code and reason, and a duration of 0.
  CallBuilder& Failed(std::string code, std::string reason);
  CallBuilder& Missed() { return Failed("304", "Missed call"); }
  CallBuilder& Contact(std::int64_t id);
  CallBuilder& Company(std::int64_t id);
  CallBuilder& Lead(std::int64_t id);
  CallBuilder& Deal(std::int64_t id);
  CallBuilder& Activity(std::int64_t id);
  CallBuilder& WithoutCrm();
  // A call registered by an external PBX app: CALL_ID "externalCall.<32 hex>.<unix>" (generated
  // by AddCall when no Id is set), PORTAL_NUMBER "REST_APP:", REST_APP_* and EXTERNAL_CALL_ID
  // set, no CALL_LOG or SESSION_ID.
  CallBuilder& External(std::string app_id, std::string app_name);
  CallRecord Build() const { return call_; }

 private:
  CallRecord call_;
};

// How a recording attached with FakeBitrix24::AttachRecording becomes visible. Until it is, the
// statistic row shows no recording and disk.file.get answers ERROR_NOT_FOUND, as while the portal
// is still downloading it from Voximplant or an external PBX has not attached it yet.
struct RecordingOptions {
  int hidden_for_polls = 0;                   // Statistic queries that match the call and still
                                              // see no recording; the next one sees it.
  std::optional<core::TimePoint> visible_at;  // Hidden before this time (the fake's clock).
  std::optional<int> duration;                // RECORD_DURATION; default: the call's duration.
  std::string file_name;                      // Default: "YYYY-MM-DD HH-MM-SS <phone>.mp3".

  static RecordingOptions HiddenForPolls(int polls) {
    RecordingOptions options;
    options.hidden_for_polls = polls;
    return options;
  }
  static RecordingOptions VisibleAt(core::TimePoint at) {
    RecordingOptions options;
    options.visible_at = at;
    return options;
  }
  static RecordingOptions Lasting(int seconds) {
    RecordingOptions options;
    options.duration = seconds;
    return options;
  }
};

// A portal employee, as user.get returns it.
struct User {
  std::int64_t id = 0;
  std::string name;
  std::string last_name;
  std::string second_name;
  std::string email;
  std::string work_position;
  std::string phone_inner;  // UF_PHONE_INNER; "" is returned as null.
  bool active = true;
};

// A comment written with crm.timeline.comment.add.
struct TimelineComment {
  std::int64_t id = 0;
  std::string entity_type;  // Lowercase: "deal", "contact", ...
  std::int64_t entity_id = 0;
  std::string comment;
  std::int64_t author_id = 0;
  core::TimePoint created;
};

// A task written with tasks.task.add (api-reference/tasks/fields.md names the fields).
struct PortalTask {
  std::int64_t id = 0;
  std::string title;
  std::string description;
  std::int64_t responsible_id = 0;
  std::int64_t created_by = 0;  // The webhook user: CREATED_BY in fields is not honoured here.
  std::optional<core::TimePoint> deadline;
  std::vector<std::string> crm_bindings;  // UF_CRM_TASK as sent: "D_10", "C_7", "CO_5", "L_4".
  core::TimePoint created;
};

// A failure injected into the next `count` calls of one REST method (FakeBitrix24::InjectFault).
struct Fault {
  int http_status = 500;
  std::string error;  // "" with hang: answer normally after the wait.
  std::string error_description;
  int count = 1;
  std::chrono::milliseconds hang{0};  // Wait this long first (Stop() cuts the wait short).
  // The method runs at once — what it writes is there for FakeBitrix24's observers — and its
  // answer waits this long (Stop() cuts the wait short): a client killed meanwhile never learns
  // the outcome of a request that took effect.
  std::chrono::milliseconds answer_delay{0};
  bool close_connection = false;  // Drop the connection without sending a byte.
  std::string raw_body;           // Non-empty: answered verbatim (with http_status) instead of an
                         // envelope, for shapes only some methods or no documentation show.

  static Fault Http(int status, std::string error, std::string description);
  static Fault QueryLimitExceeded();  // 503 QUERY_LIMIT_EXCEEDED, as the leaky bucket answers.
  static Fault InternalError();       // 500 INTERNAL_SERVER_ERROR.
  static Fault Hang(std::chrono::milliseconds duration);     // Then the normal answer.
  static Fault AnswerLate(std::chrono::milliseconds delay);  // See answer_delay.
  static Fault CloseConnection();
  // `body` as it is, e.g. R"({"error":100,"error_description":"…"})" as D7 controllers answer.
  static Fault Raw(int status, std::string body);
  Fault& Times(int n) {
    count = n;
    return *this;
  }
};

// A failure injected into the next `count` downloads of a signed DOWNLOAD_URL.
struct DownloadFault {
  enum class Kind {
    kTruncate,         // Declares the full Content-Length, sends half the bytes, closes.
    kRedirect,         // 302 to the same path on another host (default http://127.0.0.2:<port>).
    kSlow,             // Sends `chunk_bytes` every `chunk_delay`.
    kHttpError,        // Answers `http_status` with a short HTML body.
    kCloseConnection,  // Drops the connection without sending a byte.
  };
  Kind kind = Kind::kTruncate;
  int count = 1;
  std::string redirect_to;  // kRedirect: full URL; "" for the default.
  std::size_t chunk_bytes = 1024;
  std::chrono::milliseconds chunk_delay{100};
  int http_status = 500;

  static DownloadFault Truncate() { return Of(Kind::kTruncate); }
  static DownloadFault Redirect(std::string to = "");
  static DownloadFault Slow(std::size_t chunk_bytes, std::chrono::milliseconds chunk_delay);
  static DownloadFault HttpError(int status);
  static DownloadFault CloseConnection() { return Of(Kind::kCloseConnection); }
  DownloadFault& Times(int n) {
    count = n;
    return *this;
  }

 private:
  static DownloadFault Of(Kind kind) {
    DownloadFault fault;
    fault.kind = kind;
    return fault;
  }
};

// The leaky bucket of Bitrix24's limits (reference §2.4): requests beyond `burst` in excess of
// what drained at `drain_per_second` are refused with 503 QUERY_LIMIT_EXCEEDED.
struct RateLimit {
  int burst = 50;
  double drain_per_second = 2;
};

// One request the fake answered, for assertions.
struct LoggedRequest {
  std::string method;       // Canonical REST method name, the raw name if unknown, or "download".
  std::string http_method;  // "GET", "POST".
  nlohmann::json params;    // Query string and body merged, as the method saw them.
  std::string user_agent;   // "" when the header was absent.
  std::string content_type;
  int status = 0;  // HTTP status answered; 0 when the connection was dropped.
  core::TimePoint time;
};

}  // namespace callbrief::fakes
