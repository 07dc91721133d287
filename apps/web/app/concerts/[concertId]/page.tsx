import { notFound } from 'next/navigation';
import { BookingPage } from '../../../components/booking/booking-page';

export default async function ConcertPage({ params }: { params: Promise<{ concertId: string }> }) {
  const { concertId } = await params;
  const id = Number(concertId);
  if (!Number.isInteger(id) || id <= 0) notFound();
  return <BookingPage concertId={id} />;
}
