#include "fakes/portal_types.h"

#include <cctype>
#include <utility>

namespace callbrief::fakes {

std::string_view CrmTypeName(CrmOwnerType type) {
  switch (type) {
    case CrmOwnerType::kLead:
      return "LEAD";
    case CrmOwnerType::kDeal:
      return "DEAL";
    case CrmOwnerType::kContact:
      return "CONTACT";
    case CrmOwnerType::kCompany:
      return "COMPANY";
  }
  return "";
}

std::optional<CrmOwnerType> ParseCrmTypeName(std::string_view name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (CrmOwnerType type :
       {CrmOwnerType::kLead, CrmOwnerType::kDeal, CrmOwnerType::kContact, CrmOwnerType::kCompany}) {
    if (upper == CrmTypeName(type)) return type;
  }
  return std::nullopt;
}

CallBuilder& CallBuilder::Id(std::string call_id) {
  call_.call_id = std::move(call_id);
  return *this;
}

CallBuilder& CallBuilder::Type(int call_type) {
  call_.call_type = call_type;
  return *this;
}

CallBuilder& CallBuilder::Phone(std::string phone_number) {
  call_.phone_number = std::move(phone_number);
  return *this;
}

CallBuilder& CallBuilder::PortalNumber(std::string portal_number) {
  call_.portal_number = std::move(portal_number);
  return *this;
}

CallBuilder& CallBuilder::Operator(std::int64_t portal_user_id) {
  call_.portal_user_id = portal_user_id;
  return *this;
}

CallBuilder& CallBuilder::Duration(int seconds) {
  call_.call_duration = seconds;
  return *this;
}

CallBuilder& CallBuilder::StartedAt(core::TimePoint start) {
  call_.call_start = start;
  return *this;
}

CallBuilder& CallBuilder::Cost(double cost, std::string currency) {
  call_.cost = cost;
  call_.cost_currency = std::move(currency);
  return *this;
}

CallBuilder& CallBuilder::Failed(std::string code, std::string reason) {
  call_.call_failed_code = std::move(code);
  call_.call_failed_reason = std::move(reason);
  call_.call_duration = 0;
  return *this;
}

CallBuilder& CallBuilder::Contact(std::int64_t id) {
  call_.crm_entity_type = CrmOwnerType::kContact;
  call_.crm_entity_id = id;
  return *this;
}

CallBuilder& CallBuilder::Company(std::int64_t id) {
  call_.crm_entity_type = CrmOwnerType::kCompany;
  call_.crm_entity_id = id;
  return *this;
}

CallBuilder& CallBuilder::Lead(std::int64_t id) {
  call_.crm_entity_type = CrmOwnerType::kLead;
  call_.crm_entity_id = id;
  return *this;
}

CallBuilder& CallBuilder::Deal(std::int64_t id) {
  call_.deal_id = id;
  return *this;
}

CallBuilder& CallBuilder::Activity(std::int64_t id) {
  call_.crm_activity_id = id;
  return *this;
}

CallBuilder& CallBuilder::WithoutCrm() {
  call_.crm_entity_type.reset();
  call_.crm_entity_id = 0;
  call_.crm_activity_id = 0;
  call_.deal_id = 0;
  return *this;
}

CallBuilder& CallBuilder::External(std::string app_id, std::string app_name) {
  call_.portal_number = "REST_APP:";  // As in the reference's example; PortalNumber() to change.
  call_.rest_app_id = std::move(app_id);
  call_.rest_app_name = std::move(app_name);
  call_.external_call_id = std::string();  // AddCall generates the PBX's own id.
  return *this;
}

Fault Fault::Http(int status, std::string error, std::string description) {
  Fault fault;
  fault.http_status = status;
  fault.error = std::move(error);
  fault.error_description = std::move(description);
  return fault;
}

Fault Fault::QueryLimitExceeded() { return Http(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"); }

Fault Fault::InternalError() { return Http(500, "INTERNAL_SERVER_ERROR", "Internal server error"); }

Fault Fault::Raw(int status, std::string body) {
  Fault fault;
  fault.http_status = status;
  fault.raw_body = std::move(body);
  return fault;
}

Fault Fault::Hang(std::chrono::milliseconds duration) {
  Fault fault;
  fault.hang = duration;
  return fault;
}

Fault Fault::AnswerLate(std::chrono::milliseconds delay) {
  Fault fault;
  fault.answer_delay = delay;
  return fault;
}

Fault Fault::CloseConnection() {
  Fault fault;
  fault.close_connection = true;
  return fault;
}

DownloadFault DownloadFault::Redirect(std::string to) {
  DownloadFault fault = Of(Kind::kRedirect);
  fault.redirect_to = std::move(to);
  return fault;
}

DownloadFault DownloadFault::Slow(std::size_t chunk_bytes, std::chrono::milliseconds chunk_delay) {
  DownloadFault fault = Of(Kind::kSlow);
  fault.chunk_bytes = chunk_bytes;
  fault.chunk_delay = chunk_delay;
  return fault;
}

DownloadFault DownloadFault::HttpError(int status) {
  DownloadFault fault = Of(Kind::kHttpError);
  fault.http_status = status;
  return fault;
}

}  // namespace callbrief::fakes
