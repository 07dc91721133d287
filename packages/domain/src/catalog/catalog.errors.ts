import { DomainError } from '../shared';

export type ConcertNotFound = DomainError<'CONCERT_NOT_FOUND'>;
export type ScheduleNotFound = DomainError<'SCHEDULE_NOT_FOUND'>;
export type SectionNotFound = DomainError<'SECTION_NOT_FOUND'>;

export const concertNotFound = (concertId: number): ConcertNotFound =>
  new DomainError('CONCERT_NOT_FOUND', `Concert ${concertId} not found`, { concertId });

export const scheduleNotFound = (scheduleId: number): ScheduleNotFound =>
  new DomainError('SCHEDULE_NOT_FOUND', `Schedule ${scheduleId} not found`, { scheduleId });

export const sectionNotFound = (scheduleId: number, sectionId: number): SectionNotFound =>
  new DomainError('SECTION_NOT_FOUND', `Section ${sectionId} not found in schedule ${scheduleId}`, {
    scheduleId,
    sectionId,
  });
