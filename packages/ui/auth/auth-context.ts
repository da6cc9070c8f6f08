import { createContext, useContext } from "react";

export interface AuthState {
  /** Whether the UI holds credentials (the server has auth on). */
  signedIn: boolean;
  signOut: () => void;
}

export const AuthContext = createContext<AuthState>({ signedIn: false, signOut: () => undefined });

export const useAuth = () => useContext(AuthContext);
