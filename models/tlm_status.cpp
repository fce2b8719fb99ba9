#include "tlm_status.h"

namespace dmacosim {

using namespace tlm;

namespace {

struct StatusName {
  tlm_response_status status;
  const char* name;
  const char* text;
};

constexpr StatusName kStatusNames[] = {
    {TLM_OK_RESPONSE, "TLM_OK_RESPONSE", "ok"},
    {TLM_INCOMPLETE_RESPONSE, "TLM_INCOMPLETE_RESPONSE", "incomplete (no target answered)"},
    {TLM_GENERIC_ERROR_RESPONSE, "TLM_GENERIC_ERROR_RESPONSE", "generic error"},
    {TLM_ADDRESS_ERROR_RESPONSE, "TLM_ADDRESS_ERROR_RESPONSE", "address error"},
    {TLM_COMMAND_ERROR_RESPONSE, "TLM_COMMAND_ERROR_RESPONSE", "command error"},
    {TLM_BURST_ERROR_RESPONSE, "TLM_BURST_ERROR_RESPONSE", "burst error"},
    {TLM_BYTE_ENABLE_ERROR_RESPONSE, "TLM_BYTE_ENABLE_ERROR_RESPONSE", "byte enable error"},
};

const StatusName* lookup(tlm_response_status s) {
  for (const StatusName& n : kStatusNames)
    if (n.status == s) return &n;
  return nullptr;
}

}  // namespace

const char* tlm_status_name(tlm_response_status s) {
  const StatusName* n = lookup(s);
  return n ? n->name : "?";
}

const char* tlm_status_text(tlm_response_status s) {
  const StatusName* n = lookup(s);
  return n ? n->text : "error";
}

}  // namespace dmacosim
