export { availabilityBodySchema, AvailabilityService } from './availability.service.js';
