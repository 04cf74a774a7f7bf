import type * as FullCalendarBundle from 'fullcalendar';

/**
 * FullCalendar's standard bundle (served as /assets/vendor/fullcalendar.js, loaded by index.html
 * before the page's modules) defines this global; its types are those of the npm package.
 */
declare global {
  const FullCalendar: typeof FullCalendarBundle;
}
