/**
 * Notes whose wording is fixed by the process. PRODUCT.md rule 7 requires this one word for word;
 * it is quoted verbatim from the Director of IT Service Management's instruction.
 */
export const RETURN_TO_OWNER_NOTE =
  'Per the Director of IT Service Management, this ticket is being returned to the owner for follow up with the customer, further escalation, or resolution.'
