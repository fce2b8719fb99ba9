// TLM-2.0 response status names, in one table: the enumerator's name (for
// logs that name what a model answered) and a short text (for messages about
// a failed access).
#pragma once
#include <tlm>

namespace dmacosim {

const char* tlm_status_name(tlm::tlm_response_status s);  // "TLM_ADDRESS_ERROR_RESPONSE"
const char* tlm_status_text(tlm::tlm_response_status s);  // "address error"

}  // namespace dmacosim
