export { DEFAULT_EVENT_PAGE, EventsQueryService, MAX_EVENT_PAGE } from './events-query.service.js';
