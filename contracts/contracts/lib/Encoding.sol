// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Versioned nonces of the message passer: the top 16 bits hold the version.
library Encoding {
    function encodeVersionedNonce(uint240 _nonce, uint16 _version) internal pure returns (uint256) {
        return (uint256(_version) << 240) | uint256(_nonce);
    }

    function decodeVersionedNonce(uint256 _nonce) internal pure returns (uint240 nonce_, uint16 version_) {
        nonce_ = uint240(_nonce);
        version_ = uint16(_nonce >> 240);
    }
}
