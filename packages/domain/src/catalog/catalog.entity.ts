export interface Concert {
  readonly concertId: number;
  readonly title: string;
  readonly artist: string;
  readonly venue: string;
  readonly firstDate: Date | null;
  readonly lastDate: Date | null;
}

export interface Schedule {
  readonly scheduleId: number;
  readonly concertId: number;
  readonly startsAt: Date;
}

export interface Section {
  readonly sectionId: number;
  readonly scheduleId: number;
  readonly name: string;
  readonly price: number;
  readonly totalSeats: number;
}
