/**
 * Keys of the private extended properties the CRM stamps on the events it writes. Private
 * properties belong to the organizer's copy of the event only, so attendees never see them.
 */
export const CRM_PROPERTY = {
  /** 'contact' | 'company' | 'deal'. */
  entityType: 'crm_entity_type',
  /** uuid of the linked CRM record. */
  entityId: 'crm_entity_id',
  /** Tenant that owns the link: a link naming another tenant is refused on pull. */
  tenant: 'crm_tenant',
  /** uuid of the CRM event that created the Google event. */
  eventId: 'crm_event_id',
} as const;
