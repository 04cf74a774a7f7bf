export { ReminderDefaultsService, storedDefaultReminders } from './reminder-defaults.js';
export { UsersRepository } from './users.repository.js';
