import { ConcertList } from '../components/concert-list';

export default function HomePage() {
  return <ConcertList />;
}
